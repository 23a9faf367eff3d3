#pragma once
// A rating data set split into a training and a test part that share one
// user index space and one item index space.
#include <cstdint>
#include <string>
#include <vector>

#include "aerec/data/id_map.h"
#include "aerec/data/ratings.h"

namespace aerec {

struct rating_scale {
  float min = 1;
  float max = 5;
};

// Ratings held out of training (the test part, or the validation slice) and
// what the model is given to predict them.
// How many of a held-out part's ratings nothing could predict: of a user
// with no input rating, or of a movie with no training rating.
struct left_out {
  std::size_t unknown_user = 0;
  std::size_t unknown_item = 0;
};

struct holdout {
  ratings target;  // users x items; no ratings when the split has no such part
  // The users' inputs when these are not their training rows (held-out users,
  // whose ratings are split into a fold-in input and a target; on the split
  // `last`, the test part's training rows plus the validation ratings); else no rows.
  ratings input;
  // Target ratings left out because nothing could predict them: the user has
  // no input rating, or the movie has no training rating.
  std::size_t unknown_user = 0;
  std::size_t unknown_item = 0;
};

struct dataset {
  std::string name;   // "ml-100k"
  std::string split;  // "u1", "random:0.1"
  id_map users;
  id_map items;
  ratings train;  // users x items
  holdout test;
  holdout validation;
  rating_scale scale;
  // The split `last`: each user row's training item columns in time order
  // (ties by movie id), for sequence models; empty on the other splits.
  std::vector<std::vector<std::int32_t>> train_order;
  // The split `last`: users with fewer than 3 ratings, left out of every part.
  std::size_t short_users = 0;

  // What the model sees to predict `part`'s targets.
  const ratings& input_for(const holdout& part) const { return part.input.rows() > 0 ? part.input : train; }
};

// The data set with users and items swapped (item-based training): rows are
// movies, columns users, and `users` holds the movie ids. Each target keeps
// its ratings, so item-based figures score the same (user, movie) pairs, and
// the left-out counts swap with the roles (unknown_user now counts movies with
// no training rating). Applying it twice gives the original back. Throws
// error_code::invalid_argument for held-out users (a users:F split): their
// fold-in ratings would be new columns, which no model trained on `train` has,
// and for the split `last`, whose test inputs hold the validation ratings.
dataset transposed(const dataset& d);

// `r` with its columns moved from the item ids of `from` to those of `to`.
// Ratings of items that `to` lacks are dropped and counted in `dropped`.
ratings reindex_items(const ratings& r, const id_map& from, const id_map& to, std::size_t& dropped);

}  // namespace aerec
