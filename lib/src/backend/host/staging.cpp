#include "backend/host/staging.h"

#include <algorithm>

#include "aerec/core/error.h"

namespace aerec {

sparse_view staging::in(const sparse_view& s) {
  const auto nnz = static_cast<std::size_t>(s.nnz);
  return {s.rows,
          s.cols,
          s.nnz,
          in(s.offsets, static_cast<std::size_t>(s.rows) + 1),
          in(s.cols_index, nnz),
          in(s.values, nnz)};
}

void* staging::stage(const void* p, std::size_t bytes, bool read, bool write) {
  // Nothing to copy for an empty array: the operation never dereferences it.
  if (in_place_ || !p || bytes == 0) return const_cast<void*>(p);
  auto it = std::find_if(arrays_.begin(), arrays_.end(), [&](const array& a) { return a.device == p; });
  // All bits set: an output read before it is written shows as NaN.
  if (it == arrays_.end())
    it = arrays_.insert(arrays_.end(), {p, std::vector<std::byte>(bytes, std::byte{0xff}), false, false});
  AEREC_ASSERT(it->host.size() == bytes);
  if (read && !it->copied_in) {
    backend_.to_host(it->host.data(), p, bytes);
    it->copied_in = true;
  }
  it->written = it->written || write;
  return it->host.data();
}

void staging::copy_back() {
  for (array& a : arrays_)
    if (a.written) backend_.to_device(const_cast<void*>(a.device), a.host.data(), a.host.size());
}

}  // namespace aerec
