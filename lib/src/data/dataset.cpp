#include "aerec/data/dataset.h"

#include "aerec/core/error.h"

namespace aerec {

namespace {

holdout transposed(const holdout& part) {
  if (part.input.rows() > 0)
    throw error(error_code::invalid_argument,
                "a part with inputs of its own (held-out users of a users:F split, the split "
                "last's test part) cannot be transposed: an item-based model's inputs are the "
                "training part's rows");
  holdout out;
  out.target = part.target.transpose();
  out.unknown_user = part.unknown_item;
  out.unknown_item = part.unknown_user;
  return out;
}

}  // namespace

dataset transposed(const dataset& d) {
  return {d.name,
          d.split,
          d.items,
          d.users,
          d.train.transpose(),
          transposed(d.test),
          transposed(d.validation),
          d.scale,
          {},
          d.short_users};
}

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
