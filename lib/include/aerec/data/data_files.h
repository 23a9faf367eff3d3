#pragma once
// Finds the files of a rating data set: a MovieLens folder (detected from the
// files it holds) or a single ratings file.
#include <filesystem>
#include <optional>
#include <string>

#include "aerec/data/rating_reader.h"

namespace aerec {

struct data_files {
  std::string name;               // the folder's name ("ml-1m"), or the file's stem
  std::filesystem::path ratings;  // the ratings file
  format_spec format;
  std::filesystem::path movies;     // titles and genres; empty when there are none
  std::filesystem::path folds_dir;  // holds u1.base..ub.test (MovieLens-100K); else empty
};

// `path` is a folder holding u.data (tab), ratings.dat or
// ratings-notimestamp.dat (dat), or ratings.csv (csv), checked in that order;
// or a ratings file itself, whose format comes from its name (u.data, *.dat,
// *.csv) unless `format` is given. A given `format` overrides detection (its
// delimiter, header and columns apply) but a folder must still hold one of
// the known file names. Movies: u.item, movies.dat or movies.csv beside the
// ratings. Throws error_code::io_error naming the path when there is no
// ratings file, and invalid_argument when a file's format cannot be told.
data_files locate_data(const std::filesystem::path& path,
                       const std::optional<format_spec>& format = std::nullopt);

}  // namespace aerec
