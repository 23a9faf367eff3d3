#include "aerec/data/data_files.h"

#include <algorithm>
#include <array>
#include <system_error>

#include "aerec/core/error.h"

namespace aerec {

namespace {

namespace fs = std::filesystem;

struct known_ratings {
  const char* name;
  rating_format format;
};

// In the order they are looked for: the first one a folder holds is its ratings.
constexpr std::array<known_ratings, 4> ratings_names = {{
    {"u.data", rating_format::tab},
    {"ratings.dat", rating_format::dat},
    {"ratings-notimestamp.dat", rating_format::dat},  // ML-1M as kept in shared/data
    {"ratings.csv", rating_format::csv},
}};

constexpr std::array<const char*, 3> movies_names = {"u.item", "movies.dat", "movies.csv"};

bool is_file(const fs::path& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec);
}

std::string expected_names() {
  std::string out;
  for (std::size_t i = 0; i < ratings_names.size(); ++i)
    out += std::string(i == 0 ? "" : i + 1 == ratings_names.size() ? " or " : ", ") + ratings_names[i].name;
  return out;
}

rating_format format_from_name(const fs::path& file) {
  if (file.filename() == "u.data") return rating_format::tab;
  if (file.extension() == ".dat") return rating_format::dat;
  if (file.extension() == ".csv") return rating_format::csv;
  throw error(error_code::invalid_argument,
              file.string() +
                  ": cannot tell the rating format from the file name (known: u.data, *.dat, "
                  "*.csv); name the format");
}

// "ml-1m" for "ml-1m", "ml-1m/", "data/ml-1m/." or "." inside ml-1m.
std::string folder_name(const fs::path& dir) {
  fs::path p = fs::absolute(dir).lexically_normal();
  if (!p.has_filename()) p = p.parent_path();
  return p.filename().string();
}

fs::path movies_in(const fs::path& dir) {
  for (const char* name : movies_names)
    if (is_file(dir / name)) return dir / name;
  return {};
}

}  // namespace

data_files locate_data(const fs::path& path, const std::optional<format_spec>& format) {
  data_files files;
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    const auto known = std::find_if(ratings_names.begin(), ratings_names.end(),
                                    [&](const known_ratings& k) { return is_file(path / k.name); });
    if (known == ratings_names.end())
      throw error(error_code::io_error,
                  path.string() + ": no ratings file here (expected " + expected_names() + ")");
    files.name = folder_name(path);
    files.ratings = path / known->name;
    files.format = format ? *format : default_format(known->format);
  } else {
    if (!fs::exists(path, ec)) throw error(error_code::io_error, path.string() + ": not found");
    files.name = path.stem().string();
    files.ratings = path;
    files.format = format ? *format : default_format(format_from_name(path));
  }
  const fs::path dir = files.ratings.has_parent_path() ? files.ratings.parent_path() : ".";
  files.movies = movies_in(dir);
  // The folds u1.base..ub.test belong to MovieLens-100K's u.data.
  if (files.ratings.filename() == "u.data" && is_file(dir / "u1.base")) files.folds_dir = dir;
  return files;
}

}  // namespace aerec
