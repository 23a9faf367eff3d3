#include "aerec/data/dataset.h"

#include "aerec/core/error.h"

namespace aerec {

namespace {

holdout transposed(const holdout& part) {
  if (part.input.rows() > 0)
    throw error(error_code::invalid_argument,
                "held-out users (split users:F) cannot be transposed: their fold-in ratings would "
                "be columns that the training part does not have");
  holdout out;
  out.target = part.target.transpose();
  out.unknown_user = part.unknown_item;
  out.unknown_item = part.unknown_user;
  return out;
}

}  // namespace

dataset transposed(const dataset& d) {
  return {
      d.name, d.split, d.items, d.users, d.train.transpose(), transposed(d.test), transposed(d.validation),
      d.scale};
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
