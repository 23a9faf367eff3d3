#pragma once
// Little-endian binary building blocks of the model and checkpoint files (internal).
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "aerec/core/error.h"

namespace aerec {

class binary_writer {
 public:
  template <class T>
  void put(const T& value) {
    bytes_.append(reinterpret_cast<const char*>(&value), sizeof(T));
  }
  void put_bytes(std::string_view b) { bytes_.append(b); }
  // An array's elements, back to back.
  template <class T>
  void put_array(std::span<const T> values) {
    bytes_.append(reinterpret_cast<const char*>(values.data()), values.size_bytes());
  }
  void section(std::string_view tag, const std::string& payload) {
    put_bytes(tag);
    put(static_cast<std::uint64_t>(payload.size()));
    put_bytes(payload);
  }
  std::string& bytes() { return bytes_; }

 private:
  std::string bytes_;
};

class binary_reader {
 public:
  binary_reader(std::string_view bytes, const std::string& where) : bytes_(bytes), where_(where) {}

  [[noreturn]] void fail(const std::string& reason) const {
    throw error(error_code::model_format, where_ + ": " + reason);
  }
  std::string_view take(std::size_t n) {
    if (n > bytes_.size()) fail("truncated: needs " + std::to_string(n) + " more bytes");
    const std::string_view out = bytes_.substr(0, n);
    bytes_.remove_prefix(n);
    return out;
  }
  template <class T>
  T get() {
    T value;
    std::memcpy(&value, take(sizeof(T)).data(), sizeof(T));
    return value;
  }
  // The next n elements of an array put by put_array.
  template <class T>
  std::vector<T> get_array(std::size_t n) {
    std::vector<T> values(n);
    if (n > 0) std::memcpy(values.data(), take(n * sizeof(T)).data(), n * sizeof(T));
    return values;
  }
  bool empty() const { return bytes_.empty(); }
  std::size_t size() const { return bytes_.size(); }

 private:
  std::string_view bytes_;
  std::string where_;
};

}  // namespace aerec
