#include "data_source.h"

#include <cstdio>

#include "output.h"

namespace aerec::cli {

void add_data_options(CLI::App& command, data_source& a) {
  command.add_option("--data", a.data,
                     "Rating data: a MovieLens folder, a ratings file, or the name of a set in "
                     "$MOVIELENS_DIR or the download folder (default: $MOVIELENS_DIR)");
  add_format_options(command, a);
}

void add_format_options(CLI::App& command, data_source& a) {
  command.add_option("--format", a.format,
                     "Read the ratings as tab (u.data), dat (ratings.dat), csv (ratings.csv) or "
                     "delimited (header names the columns); default: from the file names");
  command.add_option("--delimiter", a.delimiter,
                     "Field delimiter (\\t or tab for a tab); alone, it means --format delimited");
  command.add_option("--columns", a.columns,
                     "Header names of the columns: user=NAME,item=NAME,rating=NAME[,timestamp=NAME]");
}

void default_data_from_metadata(data_source& a, const json& meta) {
  if (a.data.empty() && meta.contains("data_path") && meta["data_path"].is_string())
    a.data = meta["data_path"];
}

void report_left_out(const holdout& part, const char* name) {
  if (part.unknown_user + part.unknown_item == 0) return;
  std::fprintf(stderr,
               "aerec: note: %zu %s ratings left out: %zu of users with no input ratings, %zu of "
               "movies with no training rating\n",
               part.unknown_user + part.unknown_item, name, part.unknown_user, part.unknown_item);
}

}  // namespace aerec::cli
