#pragma once
// An owning array in a backend's memory.
#include <span>
#include <utility>
#include <vector>

#include "aerec/backend/backend.h"
#include "aerec/core/error.h"

namespace aerec {

template <class T>
class device_array {
 public:
  device_array() = default;
  device_array(backend& b, std::size_t n) : backend_(&b), size_(n) {
    if (n > 0) data_ = static_cast<T*>(b.allocate(n * sizeof(T)));
  }
  device_array(device_array&& other) noexcept { swap(other); }
  device_array& operator=(device_array&& other) noexcept {
    device_array(std::move(other)).swap(*this);
    return *this;
  }
  device_array(const device_array&) = delete;
  device_array& operator=(const device_array&) = delete;
  ~device_array() {
    if (data_) backend_->deallocate(data_);
  }

  // Makes room for n elements, keeping the memory when it is large enough.
  void reserve(backend& b, std::size_t n) {
    if (n > capacity()) *this = device_array(b, n);
  }
  void upload(std::span<const T> host) {
    AEREC_ASSERT(host.size() <= size_);
    if (!host.empty()) backend_->to_device(data_, host.data(), host.size_bytes());
  }
  std::vector<T> download(std::size_t n) const {
    std::vector<T> host(n);
    if (n > 0) backend_->to_host(host.data(), data_, n * sizeof(T));
    return host;
  }
  std::vector<T> download() const { return download(size_); }

  T* data() { return data_; }
  const T* data() const { return data_; }
  std::size_t capacity() const { return size_; }

 private:
  void swap(device_array& other) noexcept {
    std::swap(backend_, other.backend_);
    std::swap(data_, other.data_);
    std::swap(size_, other.size_);
  }

  backend* backend_ = nullptr;
  T* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace aerec
