#pragma once
// Splits a rating file into the training, validation and test parts of a
// data set.
#include <cstdint>
#include <string>

#include "aerec/data/data_files.h"
#include "aerec/data/dataset.h"

namespace aerec {

enum class split_kind {
  fold,      // MovieLens-100K's given files: u1..u5, ua, ub
  all,       // every rating trains; no test part
  random,    // "random:0.1": a random fraction of all ratings is the test part
  per_user,  // "user:0.2": that fraction of each user's ratings
  time,      // "time:0.1": the latest fraction of all ratings, by timestamp
  users,     // "users:0.1": that fraction of users, whose ratings are split
             // into a fold-in input and a held-out target (for new users and top-N)
  last,      // "last": each user's latest rating is the test target, the one before
             // it the validation target (next-item prediction, as SASRec's protocol)
};

struct split_spec {
  split_kind kind = split_kind::fold;
  std::string fold = "u1";  // for split_kind::fold
  double fraction = 0;      // for the others
};

// Throws error_code::invalid_argument naming the accepted forms.
split_spec parse_split(const std::string& text);
// The forms parse_split takes, for help texts.
inline constexpr const char* split_help =
    "u1..u5, ua, ub (MovieLens-100K's folds), all (no test part), random:F (a random fraction F "
    "of the ratings), user:F (F of each user's ratings), time:F (the latest F), users:F (F of the "
    "users, each with 80% of their ratings as input and 20% as target), last (each user's latest "
    "rating the test target, the one before it the validation target; needs timestamps)";
std::string split_name(const split_spec& split);

struct load_options {
  split_spec split;
  double validation = 0;   // fraction carved from the training part ("--val 0.05")
  std::uint64_t seed = 1;  // for the random splits
};

// Reads `files` and splits them. Users and items are the sorted union of all
// parts; the scale is the lowest to the highest rating (the format's range
// when every rating is the same). A pair rated twice in the file is a parse_error naming both lines.
// Test and validation ratings whose user has no input or whose item has no
// training rating are counted in the dataset and left out of it. The split
// `last` needs timestamps, takes no validation fraction (it holds out its own),
// and leaves out users with fewer than 3 ratings (counted in short_users).
dataset load_dataset(const data_files& files, const load_options& options);

}  // namespace aerec
