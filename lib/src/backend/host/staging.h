#pragma once
// The host implementations' view of a backend's arrays (internal). On a
// backend whose memory is the host's, every array is used in place; on others
// (a GPU's) the arrays an operation reads are copied to the host first and
// those it writes are copied back after, so that one plain loop serves every
// backend. An operation declares each argument: in (read), out (written
// without being read) or in_out, then runs on what the declarations return,
// then calls copy_back().
#include <cstddef>
#include <vector>

#include "aerec/backend/backend.h"

namespace aerec {

// A rows x cols matrix's element count.
inline std::size_t size_of(int rows, int cols) {
  return static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols);
}
inline std::size_t size_of(const_matrix_view m) { return size_of(m.rows, m.cols); }

class staging {
 public:
  explicit staging(backend& b) : backend_(b), in_place_(b.host_memory()) {}
  staging(const staging&) = delete;
  staging& operator=(const staging&) = delete;

  // n elements at p. Null stays null (an argument left out); an array
  // declared twice (an output that is also an input) is staged once.
  template <class T>
  const T* in(const T* p, std::size_t n) {
    return stage(p, n, true, false);
  }
  template <class T>
  T* out(T* p, std::size_t n) {
    return stage(p, n, false, true);
  }
  template <class T>
  T* in_out(T* p, std::size_t n) {
    return stage(p, n, true, true);
  }

  const_matrix_view in(const_matrix_view m) { return {in(m.data, size_of(m)), m.rows, m.cols}; }
  matrix_view out(matrix_view m) { return {out(m.data, size_of(m)), m.rows, m.cols}; }
  matrix_view in_out(matrix_view m) { return {in_out(m.data, size_of(m)), m.rows, m.cols}; }
  sparse_view in(const sparse_view& s);

  // Copies what the operation wrote back to the backend.
  void copy_back();

 private:
  struct array {
    const void* device;
    std::vector<std::byte> host;
    bool copied_in;
    bool written;
  };

  void* stage(const void* p, std::size_t bytes, bool read, bool write);
  template <class T>
  T* stage(const T* p, std::size_t n, bool read, bool write) {
    return static_cast<T*>(stage(static_cast<const void*>(p), n * sizeof(T), read, write));
  }

  backend& backend_;
  bool in_place_;
  std::vector<array> arrays_;
};

}  // namespace aerec
