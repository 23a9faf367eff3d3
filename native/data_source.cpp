#include "data_source.h"

#include <cstdio>
#include <cstdlib>

#include "aerec/data/download.h"
#include "aerec/core/error.h"
#include "output.h"

namespace aerec::cli {

namespace {

// Applies "--columns user=a,item=b,..." to the format's column names.
void set_columns(format_spec& f, const std::string& text) {
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find(',', start), text.size());
    const std::string pair = text.substr(start, end - start);
    const std::size_t eq = pair.find('=');
    const std::string role = pair.substr(0, eq), name = eq == std::string::npos ? "" : pair.substr(eq + 1);
    std::string* column = role == "user"        ? &f.user_column
                          : role == "item"      ? &f.item_column
                          : role == "rating"    ? &f.rating_column
                          : role == "timestamp" ? &f.timestamp_column
                                                : nullptr;
    if (!column || name.empty())
      throw error(error_code::invalid_argument,
                  "--columns: '" + pair + "' is not ROLE=NAME with ROLE user, item, rating or timestamp");
    *column = name;
    start = end + 1;
  }
}

// "\t" (as typed in a shell) and "tab" both mean a tab.
std::string parse_delimiter(const std::string& text) {
  if (text == "\\t" || text == "tab") return "\t";
  if (text.empty()) throw error(error_code::invalid_argument, "--delimiter must not be empty");
  return text;
}

// --delimiter or --columns without --format mean --format delimited.
std::optional<format_spec> format_of(const data_args& a) {
  if (a.format.empty() && a.delimiter.empty() && a.columns.empty()) return std::nullopt;
  format_spec f =
      default_format(a.format.empty() ? rating_format::delimited : parse_rating_format(a.format));
  if (!a.delimiter.empty()) f.delimiter = parse_delimiter(a.delimiter);
  if (!a.columns.empty()) set_columns(f, a.columns);
  return f;
}

// A folder holding ml-100k/ (such as ../shared/data) stands for MovieLens-100K,
// as $MOVIELENS_DIR always has.
data_files locate_or_child(const std::filesystem::path& dir, const std::optional<format_spec>& format) {
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec) && !std::filesystem::exists(dir / "u.data", ec) &&
      std::filesystem::exists(dir / "ml-100k" / "u.data", ec))
    return locate_data(dir / "ml-100k", format);
  return locate_data(dir, format);
}

// A bare name ("ml-1m") is looked up in $MOVIELENS_DIR, then in the download folder.
std::optional<std::filesystem::path> find_named(const std::string& name) {
  if (name.find('/') != std::string::npos) return std::nullopt;
  std::vector<std::filesystem::path> places;
  if (const char* env = std::getenv("MOVIELENS_DIR"); env && *env) places.emplace_back(env);
  places.push_back(default_data_home());
  std::error_code ec;
  for (const auto& place : places)
    if (std::filesystem::is_directory(place / name, ec)) return place / name;
  return std::nullopt;
}

}  // namespace

void add_data_options(CLI::App& command, data_args& a) {
  command.add_option("--data", a.data,
                     "Rating data: a MovieLens folder, a ratings file, or the name of a set in "
                     "$MOVIELENS_DIR or the download folder (default: $MOVIELENS_DIR)");
  add_format_options(command, a);
}

void add_format_options(CLI::App& command, data_args& a) {
  command.add_option("--format", a.format,
                     "Read the ratings as tab (u.data), dat (ratings.dat), csv (ratings.csv) or "
                     "delimited (header names the columns); default: from the file names");
  command.add_option("--delimiter", a.delimiter,
                     "Field delimiter (\\t or tab for a tab); alone, it means --format delimited");
  command.add_option("--columns", a.columns,
                     "Header names of the columns: user=NAME,item=NAME,rating=NAME[,timestamp=NAME]");
}

data_files resolve_data(const data_args& a) {
  const auto format = format_of(a);
  if (!a.data.empty()) {
    std::error_code ec;
    if (!std::filesystem::exists(a.data, ec))
      if (const auto named = find_named(a.data)) return locate_or_child(*named, format);
    return locate_or_child(a.data, format);
  }
  const char* env = std::getenv("MOVIELENS_DIR");
  if (!env || !*env)
    throw error(error_code::invalid_argument, "no data: pass --data DIR or set MOVIELENS_DIR");
  return locate_or_child(env, format);
}

void default_data_from_metadata(data_args& a, const json& meta) {
  if (a.data.empty() && meta.contains("data_path") && meta["data_path"].is_string())
    a.data = meta["data_path"];
}

dataset load_data(const data_args& a, const load_options& options) {
  return load_dataset(resolve_data(a), options);
}

void report_left_out(const holdout& part, const char* name) {
  if (part.unknown_user + part.unknown_item == 0) return;
  std::fprintf(stderr,
               "aerec: note: %zu %s ratings left out: %zu of users with no input ratings, %zu of "
               "movies with no training rating\n",
               part.unknown_user + part.unknown_item, name, part.unknown_user, part.unknown_item);
}

}  // namespace aerec::cli
