#include "aerec/dataset.h"

namespace aerec {

ratings reindex_items(const ratings& r, const id_map& from, const id_map& to, std::size_t& dropped) {
  std::vector<rating_entry> kept;
  kept.reserve(r.nnz());
  dropped = 0;
  for (rating_entry e : r.entries()) {
    if (const auto col = to.find(from.id(e.col))) {
      e.col = *col;
      kept.push_back(e);
    } else {
      ++dropped;
    }
  }
  return ratings(r.rows(), to.size(), kept);
}

}  // namespace aerec
