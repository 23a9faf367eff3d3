#pragma once
// A rating data set split into a training and a test part that share one
// user index space and one item index space.
#include <string>

#include "aerec/id_map.h"
#include "aerec/ratings.h"

namespace aerec {

struct rating_scale {
  float min = 1;
  float max = 5;
};

struct dataset {
  std::string name;   // "ml-100k"
  std::string split;  // "u1"
  id_map users;
  id_map items;
  ratings train;  // users x items
  ratings test;   // users x items; empty when the split has no test part
  rating_scale scale;
};

// `r` with its columns moved from the item ids of `from` to those of `to`.
// Ratings of items that `to` lacks are dropped and counted in `dropped`.
ratings reindex_items(const ratings& r, const id_map& from, const id_map& to, std::size_t& dropped);

}  // namespace aerec
