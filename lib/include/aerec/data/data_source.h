#pragma once
// Where a run's ratings come from, as a person names them: a folder, a
// ratings file, or the name of a set in $MOVIELENS_DIR or the download folder
// (else $MOVIELENS_DIR itself); and how the file is read.
#include <filesystem>
#include <string>

#include "aerec/core/option.h"
#include "aerec/data/data_files.h"
#include "aerec/data/dataset.h"
#include "aerec/data/split.h"

namespace aerec {

struct data_source {
  std::string data;       // empty: $MOVIELENS_DIR
  std::string format;     // empty: detect from the file names
  std::string delimiter;  // empty: the format's own; alone, it means the delimited format
  std::string columns;    // "user=uid,item=iid,rating=stars[,timestamp=ts]"
  bool operator==(const data_source&) const = default;
};

// Its options (core/option.h): --data, --format, --delimiter and --columns of
// every command that reads ratings, and keys of a run's description.
const std::vector<option<data_source>>& data_source_options();

// The files `source` names. A folder holding ml-100k/ (such as the shared
// data folder) stands for MovieLens-100K. Throws error_code::invalid_argument
// for no data named and no $MOVIELENS_DIR, or a bad format, delimiter or columns.
data_files resolve_data(const data_source& source);
dataset load_data(const data_source& source, const load_options& options);

// The download folder: $AEREC_DATA_HOME, else $XDG_CACHE_HOME/aerec, else ~/.cache/aerec.
std::filesystem::path default_data_home();

}  // namespace aerec
