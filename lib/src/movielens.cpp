#include "aerec/movielens.h"

#include <algorithm>
#include <numeric>
#include <sstream>

#include "aerec/error.h"
#include "aerec/file_io.h"
#include "text.h"

namespace aerec {

namespace {

[[noreturn]] void parse_fail(const std::filesystem::path& path, std::int64_t line,
                             const std::string& reason) {
  throw error(error_code::parse_error,
              path.string() + ":" + std::to_string(line) + ": " + reason);
}

std::string quoted(std::string_view field) {
  // Appended piecewise: "'" + std::string(...) trips GCC 12's false -Wrestrict (bug 105329).
  std::string out(1, '\'');
  out.append(field);
  out.push_back('\'');
  return out;
}

std::string format_rating(float value) {
  std::ostringstream s;
  s << value;
  return s.str();
}

raw_rating parse_tab_line(const std::filesystem::path& path, std::string_view line,
                          std::int64_t number, rating_scale scale) {
  const auto fields = text::split(line, '\t');
  if (fields.size() != 4)
    parse_fail(path, number,
               "expected 4 tab-separated fields (user, item, rating, timestamp), found " +
                   std::to_string(fields.size()));
  const auto user = text::parse_id(fields[0]);
  if (!user) parse_fail(path, number, "user id " + quoted(fields[0]) + " is not a number");
  const auto item = text::parse_id(fields[1]);
  if (!item) parse_fail(path, number, "item id " + quoted(fields[1]) + " is not a number");
  const auto value = text::parse_decimal(fields[2]);
  if (!value) parse_fail(path, number, "rating " + quoted(fields[2]) + " is not a number");
  if (*value < scale.min || *value > scale.max)
    parse_fail(path, number, "rating " + quoted(fields[2]) + " is outside " +
                                 format_rating(scale.min) + ".." + format_rating(scale.max));
  if (!text::parse_count(fields[3]))
    parse_fail(path, number, "timestamp " + quoted(fields[3]) + " is not a number");
  return {*user, *item, *value, number};
}

// Orders ratings by (user, item) so that a repeated pair sits beside its twin.
std::vector<std::size_t> order_by_pair(const std::vector<raw_rating>& r) {
  std::vector<std::size_t> order(r.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return std::tie(r[a].user, r[a].item, r[a].line) < std::tie(r[b].user, r[b].item, r[b].line);
  });
  return order;
}

void check_no_duplicates(const rating_file& file) {
  const auto& r = file.ratings;
  const auto order = order_by_pair(r);
  for (std::size_t k = 1; k < order.size(); ++k) {
    const raw_rating& a = r[order[k - 1]];
    const raw_rating& b = r[order[k]];
    if (a.user == b.user && a.item == b.item)
      parse_fail(file.path, b.line,
                 "user " + std::to_string(b.user) + " rated item " + std::to_string(b.item) +
                     " again (first on line " + std::to_string(a.line) + ")");
  }
}

std::filesystem::path require_file(const std::filesystem::path& dir, const std::string& name) {
  const std::filesystem::path path = dir / name;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw error(error_code::io_error,
                path.string() + ": not found (is " + dir.string() + " a MovieLens-100K folder?)");
  return path;
}

id_map sorted_ids(std::vector<std::int32_t> ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return id_map(std::move(ids));
}

ratings to_ratings(const rating_file& file, const id_map& users, const id_map& items) {
  std::vector<rating_entry> entries;
  entries.reserve(file.ratings.size());
  for (const raw_rating& r : file.ratings)
    entries.push_back({*users.find(r.user), *items.find(r.item), r.value});
  return ratings(users.size(), items.size(), entries);
}

void check_disjoint(const rating_file& train, const rating_file& test) {
  const auto a = order_by_pair(train.ratings);
  const auto b = order_by_pair(test.ratings);
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    const raw_rating& x = train.ratings[a[i]];
    const raw_rating& y = test.ratings[b[j]];
    if (std::tie(x.user, x.item) < std::tie(y.user, y.item)) {
      ++i;
    } else if (std::tie(y.user, y.item) < std::tie(x.user, x.item)) {
      ++j;
    } else {
      parse_fail(test.path, y.line,
                 "user " + std::to_string(y.user) + " item " + std::to_string(y.item) +
                     " is also in " + train.path.string() + ":" + std::to_string(x.line) +
                     " (training and test parts overlap)");
    }
  }
}

}  // namespace

rating_file read_tab_ratings(const std::filesystem::path& path, rating_scale scale) {
  rating_file file{path, {}};
  const std::string bytes = read_file(path);
  file.ratings.reserve(bytes.size() / 16);
  text::for_each_line(bytes, [&](std::string_view line, std::int64_t number) {
    if (!line.empty()) file.ratings.push_back(parse_tab_line(path, line, number, scale));
  });
  if (file.ratings.empty()) throw error(error_code::parse_error, path.string() + ": no ratings");
  check_no_duplicates(file);
  return file;
}

std::vector<movie> read_movies_100k(const std::filesystem::path& dir) {
  const std::filesystem::path genre_path = require_file(dir, "u.genre");
  std::vector<std::string> genre_names;
  text::for_each_line(read_file(genre_path), [&](std::string_view line, std::int64_t number) {
    if (line.empty()) return;
    const auto fields = text::split(line, '|');
    if (fields.size() != 2 || text::parse_count(fields[1]) != std::int64_t(genre_names.size()))
      parse_fail(genre_path, number, "expected 'name|index' with consecutive indices");
    genre_names.push_back(text::latin1_to_utf8(fields[0]));
  });

  const std::filesystem::path item_path = require_file(dir, "u.item");
  std::vector<movie> movies;
  text::for_each_line(read_file(item_path), [&](std::string_view line, std::int64_t number) {
    if (line.empty()) return;
    const auto fields = text::split(line, '|');
    if (fields.size() != 5 + genre_names.size())
      parse_fail(item_path, number,
                 "expected " + std::to_string(5 + genre_names.size()) +
                     " '|'-separated fields, found " + std::to_string(fields.size()));
    const auto id = text::parse_id(fields[0]);
    if (!id) parse_fail(item_path, number, "movie id " + quoted(fields[0]) + " is not a number");
    movie m{*id, text::latin1_to_utf8(fields[1]), {}};
    for (std::size_t g = 0; g < genre_names.size(); ++g)
      if (fields[5 + g] == "1") m.genres.push_back(genre_names[g]);
    movies.push_back(std::move(m));
  });
  return movies;
}

std::filesystem::path locate_movielens_100k(const std::filesystem::path& dir) {
  std::error_code ec;
  if (std::filesystem::exists(dir / "u.data", ec)) return dir;
  if (std::filesystem::exists(dir / "ml-100k" / "u.data", ec)) return dir / "ml-100k";
  throw error(error_code::io_error,
              dir.string() + ": no MovieLens-100K data here (expected u.data or ml-100k/u.data)");
}

const std::vector<std::string>& movielens_100k_splits() {
  static const std::vector<std::string> names = {"u1", "u2", "u3", "u4", "u5", "ua", "ub", "all"};
  return names;
}

dataset load_movielens_100k(const std::filesystem::path& dir, const std::string& split) {
  const auto& names = movielens_100k_splits();
  if (std::find(names.begin(), names.end(), split) == names.end()) {
    std::string known;
    for (const auto& n : names) known += (known.empty() ? "" : ", ") + n;
    throw error(error_code::invalid_argument,
                "unknown split '" + split + "' for ml-100k (known: " + known + ")");
  }
  const rating_scale scale{1, 5};
  const bool whole = split == "all";
  const rating_file train = read_tab_ratings(require_file(dir, whole ? "u.data" : split + ".base"), scale);
  const rating_file test =
      whole ? rating_file{} : read_tab_ratings(require_file(dir, split + ".test"), scale);
  check_disjoint(train, test);

  std::vector<std::int32_t> user_ids, item_ids;
  for (const rating_file* f : {&train, &test}) {
    for (const raw_rating& r : f->ratings) {
      user_ids.push_back(r.user);
      item_ids.push_back(r.item);
    }
  }
  dataset d{"ml-100k", split, sorted_ids(std::move(user_ids)), sorted_ids(std::move(item_ids)),
            {}, {}, scale};
  d.train = to_ratings(train, d.users, d.items);
  d.test = to_ratings(test, d.users, d.items);
  return d;
}

}  // namespace aerec
