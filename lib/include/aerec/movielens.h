#pragma once
// MovieLens readers: rating files and titles, and a data set with a split.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "aerec/dataset.h"

namespace aerec {

// A rating as read from a file: external ids and the line it came from.
struct raw_rating {
  std::int32_t user;
  std::int32_t item;
  float value;
  std::int64_t line;
};

struct rating_file {
  std::filesystem::path path;
  std::vector<raw_rating> ratings;
};

// Reads a MovieLens-100K rating file (u.data, u1.base, ...): one rating per
// line, "user<TAB>item<TAB>rating<TAB>timestamp". Throws error_code::parse_error
// naming file, line and reason for a malformed line, a rating outside `scale`
// or a user-item pair rated twice.
rating_file read_tab_ratings(const std::filesystem::path& path, rating_scale scale);

struct movie {
  std::int32_t id;
  std::string title;                // UTF-8
  std::vector<std::string> genres;
};

// Titles and genres of MovieLens-100K (u.item, latin-1; u.genre), in UTF-8.
std::vector<movie> read_movies_100k(const std::filesystem::path& dir);

// The split names of MovieLens-100K: the five folds u1..u5, ua and ub (ten
// ratings per user in test), and "all" (u.data, no test part).
const std::vector<std::string>& movielens_100k_splits();

// The MovieLens-100K folder at or under `dir`: `dir` itself when it holds
// u.data, else dir/ml-100k. Throws error_code::io_error when neither does.
std::filesystem::path locate_movielens_100k(const std::filesystem::path& dir);

// Loads MovieLens-100K from `dir` with the given split. Users and items are the
// union of the train and test files, in increasing id order, as the seed's
// code builds its matrix; a pair rated in both files is an error.
dataset load_movielens_100k(const std::filesystem::path& dir, const std::string& split);

}  // namespace aerec
