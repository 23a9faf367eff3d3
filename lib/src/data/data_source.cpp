#include "aerec/data/data_source.h"

#include <cstdlib>
#include <optional>

#include "aerec/core/error.h"

namespace aerec {

namespace fs = std::filesystem;

namespace {

// Applies "user=a,item=b,..." to the format's column names.
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

// A delimiter or columns without a format mean the delimited format.
std::optional<format_spec> format_of(const data_source& a) {
  if (a.format.empty() && a.delimiter.empty() && a.columns.empty()) return std::nullopt;
  format_spec f = default_format(a.format.empty() ? rating_format::delimited : parse_rating_format(a.format));
  if (!a.delimiter.empty()) f.delimiter = parse_delimiter(a.delimiter);
  if (!a.columns.empty()) set_columns(f, a.columns);
  return f;
}

// A folder holding ml-100k/ (such as ../shared/data) stands for MovieLens-100K,
// as $MOVIELENS_DIR always has.
data_files locate_or_child(const fs::path& dir, const std::optional<format_spec>& format) {
  std::error_code ec;
  if (fs::is_directory(dir, ec) && !fs::exists(dir / "u.data", ec) &&
      fs::exists(dir / "ml-100k" / "u.data", ec))
    return locate_data(dir / "ml-100k", format);
  return locate_data(dir, format);
}

// A bare name ("ml-1m") is looked up in $MOVIELENS_DIR, then in the download folder.
std::optional<fs::path> find_named(const std::string& name) {
  if (name.find('/') != std::string::npos) return std::nullopt;
  std::vector<fs::path> places;
  if (const char* env = std::getenv("MOVIELENS_DIR"); env && *env) places.emplace_back(env);
  places.push_back(default_data_home());
  std::error_code ec;
  for (const auto& place : places)
    if (fs::is_directory(place / name, ec)) return place / name;
  return std::nullopt;
}

}  // namespace

const std::vector<option<data_source>>& data_source_options() {
  using s = data_source;
  const auto required = always<data_source>;
  static const std::vector<option<data_source>> all = {
      field_option<s>(
          "data",
          "Rating data: a MovieLens folder, a ratings file, or the name of a set in $MOVIELENS_DIR "
          "or the download folder (default: $MOVIELENS_DIR)",
          required, [](auto& a) -> auto& { return a.data; }),
      field_option<s>(
          "format",
          "Read the ratings as tab (u.data), dat (ratings.dat), csv (ratings.csv) or delimited "
          "(header names the columns); default: from the file names",
          required, [](auto& a) -> auto& { return a.format; }),
      field_option<s>(
          "delimiter", "Field delimiter (\\t or tab for a tab); alone, it means --format delimited", required,
          [](auto& a) -> auto& { return a.delimiter; }),
      field_option<s>(
          "columns", "Header names of the columns: user=NAME,item=NAME,rating=NAME[,timestamp=NAME]",
          required, [](auto& a) -> auto& { return a.columns; }),
  };
  return all;
}

data_files resolve_data(const data_source& a) {
  const auto format = format_of(a);
  if (!a.data.empty()) {
    std::error_code ec;
    if (!fs::exists(a.data, ec))
      if (const auto named = find_named(a.data)) return locate_or_child(*named, format);
    return locate_or_child(a.data, format);
  }
  const char* env = std::getenv("MOVIELENS_DIR");
  if (!env || !*env)
    throw error(error_code::invalid_argument, "no data: pass --data DIR or set MOVIELENS_DIR");
  return locate_or_child(env, format);
}

dataset load_data(const data_source& a, const load_options& options) {
  return load_dataset(resolve_data(a), options);
}

fs::path default_data_home() {
  const auto set = [](const char* name) -> const char* {
    const char* value = std::getenv(name);
    return value && *value ? value : nullptr;
  };
  if (const char* home = set("AEREC_DATA_HOME")) return home;
  if (const char* cache = set("XDG_CACHE_HOME")) return fs::path(cache) / "aerec";
  if (const char* home = set("HOME")) return fs::path(home) / ".cache" / "aerec";
  throw error(error_code::invalid_argument, "no folder for data sets: set AEREC_DATA_HOME or HOME");
}

}  // namespace aerec
