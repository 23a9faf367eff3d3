// Splitting rating files into training, validation and test parts: the split
// names, and load_dataset on small files written here for every split kind.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "aerec/core/error.h"
#include "aerec/core/rng.h"
#include "aerec/data/split.h"
#include "expect_error.h"
#include "temp_dir.h"

using aerec::data_files;
using aerec::dataset;
using aerec::load_options;
using aerec::rating_format;
using aerec::split_kind;
using aerec::testing::code_name;
using aerec::testing::error_from;
using aerec::testing::temp_dir;
using Catch::Matchers::Contains;

namespace {

// --- fixtures -------------------------------------------------------------

// One line of a rating file. Ratings are counted in half stars so that every
// value prints exactly.
struct rating_line {
  std::int32_t user;
  std::int32_t item;
  int half_stars;
  std::int64_t time;
  float value() const { return static_cast<float>(half_stars) / 2; }
};

std::string stars(int half_stars) { return std::to_string(half_stars / 2) + (half_stars % 2 ? ".5" : ""); }

// The file as MovieLens writes it: u.data (tab, with timestamps), ratings.dat
// ("::", here without timestamps) or ratings.csv (header, timestamps).
std::string file_text(const std::vector<rating_line>& lines, rating_format format) {
  std::string out = format == rating_format::csv ? "userId,movieId,rating,timestamp\n" : "";
  for (const rating_line& l : lines) {
    const std::string u = std::to_string(l.user), i = std::to_string(l.item), r = stars(l.half_stars),
                      t = std::to_string(l.time);
    switch (format) {
      case rating_format::tab:
        out += u + "\t" + i + "\t" + r + "\t" + t + "\n";
        break;
      case rating_format::dat:
        out += u + "::" + i + "::" + r + "\n";
        break;
      default:
        out += u + "," + i + "," + r + "," + t + "\n";
        break;
    }
  }
  return out;
}

const char* file_name(rating_format format) {
  return format == rating_format::tab   ? "u.data"
         : format == rating_format::dat ? "ratings.dat"
                                        : "ratings.csv";
}

// Writes `lines` in `format` and returns the data_files naming that file.
data_files write_ratings(const temp_dir& dir, const std::vector<rating_line>& lines,
                         rating_format format = rating_format::tab) {
  const auto path = dir.write(file_name(format), file_text(lines, format));
  return data_files{"synthetic", path, aerec::default_format(format), {}, {}};
}

// MovieLens-100K's layout: u.data plus fold files in the same folder.
data_files fold_folder(const temp_dir& dir) {
  return data_files{
      "ml-100k", dir.path() / "u.data", aerec::default_format(rating_format::tab), {}, dir.path()};
}

// Users (sparse ids) rate items (sparse ids) with probability `density`;
// every timestamp differs and follows no order of the file.
std::vector<rating_line> random_lines(int users, int items, float density, std::uint64_t seed) {
  aerec::rng random(seed);
  std::vector<rating_line> lines;
  for (int u = 1; u <= users; ++u)
    for (int i = 1; i <= items; ++i)
      if (random.uniform() < density)
        lines.push_back({7 * u + 1, 3 * i + 100, 2 + 2 * static_cast<int>(random.below(5)), 0});
  std::vector<std::int64_t> times(lines.size());
  for (std::size_t k = 0; k < times.size(); ++k) times[k] = 880000000 + 17 * static_cast<std::int64_t>(k);
  random.shuffle(std::span(times));
  for (std::size_t k = 0; k < lines.size(); ++k) lines[k].time = times[k];
  return lines;
}

// A fixture where user u (1-based) has u ratings, so per-user shares are
// checked at every size from 1 to `users`.
std::vector<rating_line> growing_users(int users) {
  std::vector<rating_line> lines;
  std::int64_t time = 1;
  for (int u = 1; u <= users; ++u)
    for (int i = 1; i <= u; ++i) lines.push_back({u, i, 2 * (1 + (u + i) % 5), time++});
  return lines;
}

dataset load(const data_files& files, const std::string& split, double validation = 0,
             std::uint64_t seed = 1) {
  return aerec::load_dataset(files, {aerec::parse_split(split), validation, seed});
}

std::size_t share(double fraction, std::size_t n) {
  return static_cast<std::size_t>(std::llround(fraction * static_cast<double>(n)));
}

// --- checking a split -----------------------------------------------------

using pair_id = std::pair<std::int32_t, std::int32_t>;  // user id, item id
using cells = std::map<pair_id, float>;

cells cells_of(const aerec::ratings& r, const dataset& d) {
  cells out;
  for (const auto& e : r.entries()) out.emplace(pair_id{d.users.id(e.row), d.items.id(e.col)}, e.value);
  return out;
}

std::map<std::int32_t, std::size_t> per_user(const cells& c) {
  std::map<std::int32_t, std::size_t> out;
  for (const auto& [key, value] : c) ++out[key.first];
  return out;
}

std::vector<std::int32_t> ids_of(const aerec::id_map& m) { return {m.ids().begin(), m.ids().end()}; }

struct parts {
  cells train, test_target, test_input, val_target, val_input;
  cells left_out;  // in the file, in no part
  bool operator==(const parts&) const = default;
};

// Checks what every split must satisfy and returns the parts by id: users and
// items are the sorted union of the file's ids; the parts are disjoint, hold
// the file's values, and with the counted left-out ratings make up the file;
// every kept target can be predicted (its user has input, its item training).
parts check_split(const dataset& d, const std::vector<rating_line>& lines) {
  cells file;
  std::set<std::int32_t> users, items;
  for (const rating_line& l : lines) {
    file.emplace(pair_id{l.user, l.item}, l.value());
    users.insert(l.user);
    items.insert(l.item);
  }
  REQUIRE(file.size() == lines.size());  // the fixture itself has no duplicates
  CHECK(ids_of(d.users) == std::vector<std::int32_t>(users.begin(), users.end()));
  CHECK(ids_of(d.items) == std::vector<std::int32_t>(items.begin(), items.end()));

  const std::int32_t rows = d.users.size(), cols = d.items.size();
  for (const aerec::ratings* r : {&d.train, &d.test.target, &d.validation.target}) {
    CHECK(r->rows() == rows);
    CHECK(r->cols() == cols);
  }
  for (const aerec::ratings* r : {&d.test.input, &d.validation.input})
    if (r->rows() > 0) CHECK(r->cols() == cols);
  CHECK((d.test.input.rows() == 0 || d.test.input.rows() == rows));

  parts p{cells_of(d.train, d),
          cells_of(d.test.target, d),
          cells_of(d.test.input, d),
          cells_of(d.validation.target, d),
          cells_of(d.validation.input, d),
          {}};
  std::size_t kept = 0;
  std::map<pair_id, int> seen;
  // The split last's test input repeats the training and validation ratings.
  const bool input_repeats = d.split == "last";
  for (const cells* c : {&p.train, &p.test_target, &p.test_input, &p.val_target, &p.val_input}) {
    if (input_repeats && c == &p.test_input) continue;
    kept += c->size();
    for (const auto& [key, value] : *c) {
      CAPTURE(key.first, key.second);
      ++seen[key];
      REQUIRE(file.count(key) == 1);
      CHECK(file.at(key) == value);
    }
  }
  for (const auto& [key, times] : seen) CHECK(times == 1);
  for (const auto& [key, value] : file)
    if (!seen.count(key)) p.left_out.emplace(key, value);
  // The split last leaves out the ratings of users with fewer than 3.
  std::size_t short_ratings = 0;
  if (d.split == "last") {
    std::map<std::int32_t, std::size_t> sizes;
    for (const rating_line& l : lines) ++sizes[l.user];
    for (const auto& [user, size] : sizes) short_ratings += size < 3 ? size : 0;
  }
  CHECK(kept + d.test.unknown_user + d.test.unknown_item + d.validation.unknown_user +
            d.validation.unknown_item + short_ratings ==
        lines.size());
  CHECK(p.left_out.size() + kept == lines.size());

  std::set<std::int32_t> trained_items;
  for (const auto& [key, value] : p.train) trained_items.insert(key.second);
  for (const aerec::holdout* h : {&d.test, &d.validation}) {
    const aerec::ratings& input = d.input_for(*h);
    for (const auto& e : h->target.entries()) {
      CAPTURE(d.users.id(e.row), d.items.id(e.col));
      CHECK(input.row_size(e.row) > 0);
      CHECK(trained_items.count(d.items.id(e.col)) == 1);
    }
  }
  return p;
}

std::size_t count_of(const std::map<std::int32_t, std::size_t>& m, std::int32_t key) {
  const auto it = m.find(key);
  return it == m.end() ? 0 : it->second;
}

std::string invalid_split_message(const std::string& text) {
  const auto e = error_from([&] { aerec::parse_split(text); });
  REQUIRE(e);
  CHECK(code_name(*e) == "invalid_argument");
  return e->what();
}

}  // namespace

// --- names ----------------------------------------------------------------

TEST_CASE("parse_split: every form", "[split]") {
  for (const char* fold : {"u1", "u2", "u3", "u4", "u5", "ua", "ub"}) {
    CAPTURE(fold);
    const aerec::split_spec s = aerec::parse_split(fold);
    CHECK(s.kind == split_kind::fold);
    CHECK(s.fold == fold);
  }
  CHECK(aerec::parse_split("all").kind == split_kind::all);
  CHECK(aerec::parse_split("last").kind == split_kind::last);

  struct form {
    const char* text;
    split_kind kind;
    double fraction;
  };
  for (const form& f :
       {form{"random:0.1", split_kind::random, 0.1}, form{"user:0.2", split_kind::per_user, 0.2},
        form{"time:0.1", split_kind::time, 0.1}, form{"users:0.1", split_kind::users, 0.1},
        form{"random:.5", split_kind::random, 0.5}, form{"users:1e-3", split_kind::users, 1e-3},
        form{"time:0.999", split_kind::time, 0.999}}) {
    CAPTURE(f.text);
    const aerec::split_spec s = aerec::parse_split(f.text);
    CHECK(s.kind == f.kind);
    CHECK(s.fraction == f.fraction);
  }
}

TEST_CASE("split_name: names parse back to the same split", "[split]") {
  for (const char* name : {"u1", "u2", "u3", "u4", "u5", "ua", "ub", "all", "last", "random:0.1", "user:0.2",
                           "time:0.1", "users:0.1", "random:0.05", "users:0.25", "time:0.999"}) {
    CAPTURE(name);
    CHECK(aerec::split_name(aerec::parse_split(name)) == name);
  }
  // Fractions with many digits, or tiny ones, survive the round trip too.
  for (const double fraction : {0.123456789, 1e-7, 0.3333333333333333, 0.9999999}) {
    CAPTURE(fraction);
    for (const split_kind kind :
         {split_kind::random, split_kind::per_user, split_kind::time, split_kind::users}) {
      const aerec::split_spec parsed = aerec::parse_split(aerec::split_name({kind, {}, fraction}));
      CHECK(parsed.kind == kind);
      CHECK(parsed.fraction == fraction);
    }
  }
}

TEST_CASE("parse_split: bad forms name the text, the reason and the accepted forms", "[split]") {
  struct bad {
    std::string text;
    std::string reason;
  };
  for (const bad& b :
       {bad{"", "unknown split"}, bad{"u6", "unknown split"}, bad{"U1", "unknown split"},
        bad{"random", "unknown split"}, bad{"foo:0.1", "unknown split kind 'foo'"},
        bad{"Random:0.1", "unknown split kind 'Random'"}, bad{":0.1", "unknown split kind ''"},
        bad{"random:", "'' is not a number"}, bad{"random:abc", "'abc' is not a number"},
        bad{"user:0.1x", "'0.1x' is not a number"}, bad{"time:0.1:2", "'0.1:2' is not a number"},
        bad{"random:0", "between 0 and 1"}, bad{"users:1", "between 0 and 1"},
        bad{"random:-0.1", "between 0 and 1"}, bad{"user:1.5", "between 0 and 1"},
        bad{"time:nan", "between 0 and 1"}, bad{"random:inf", "between 0 and 1"}}) {
    CAPTURE(b.text);
    const std::string message = invalid_split_message(b.text);
    CHECK_THAT(message, Contains("'" + b.text + "'") && Contains(b.reason));
    CHECK_THAT(message, Contains("u1, u2, u3, u4, u5, ua, ub, all") && Contains("random:F") &&
                            Contains("user:F") && Contains("time:F") && Contains("users:F"));
  }
}

// --- MovieLens-100K's folds -----------------------------------------------

namespace {

// A tiny fold: user 9 and item 300 appear only in the test part, user 2 only
// in training; the first lines are not in id order, so the sort is observable.
void write_fold(const temp_dir& dir) {
  dir.write("u1.base",
            "5\t200\t4\t881250949\n"
            "2\t100\t3\t881250950\n"
            "5\t100\t1\t881250951\n"
            "2\t250\t5\t881250952\n");
  dir.write("u1.test",
            "9\t300\t2\t881250953\r\n"
            "5\t250\t4\t881250954\r\n");
}

}  // namespace

TEST_CASE("load_dataset: a fold's users and items are the sorted union", "[split]") {
  temp_dir dir;
  write_fold(dir);
  const dataset d = load(fold_folder(dir), "u1");
  CHECK(d.name == "ml-100k");
  CHECK(d.split == "u1");
  CHECK(d.scale.min == 1.0f);
  CHECK(d.scale.max == 5.0f);
  CHECK(ids_of(d.users) == std::vector<std::int32_t>{2, 5, 9});
  CHECK(ids_of(d.items) == std::vector<std::int32_t>{100, 200, 250, 300});

  CHECK(d.train.rows() == 3);
  CHECK(d.train.cols() == 4);
  CHECK(d.test.target.rows() == 3);
  CHECK(d.test.target.cols() == 4);
  CHECK(cells_of(d.train, d) ==
        cells{{{2, 100}, 3.0f}, {{2, 250}, 5.0f}, {{5, 100}, 1.0f}, {{5, 200}, 4.0f}});
  // User 9 has no training rating: its test rating is counted and left out.
  CHECK(cells_of(d.test.target, d) == cells{{{5, 250}, 4.0f}});
  CHECK(d.test.unknown_user == 1);
  CHECK(d.test.unknown_item == 0);
  CHECK(d.train.row_size(*d.users.find(9)) == 0);
  // A fold has no separate inputs: the training rows are the test users' input.
  CHECK(d.test.input.rows() == 0);
  CHECK(&d.input_for(d.test) == &d.train);
  CHECK(d.validation.target.nnz() == 0);
}

TEST_CASE("load_dataset: a fold's test ratings of unknown users and items are counted apart", "[split]") {
  temp_dir dir;
  dir.write("u2.base", "1\t10\t4\t1\n1\t20\t3\t2\n2\t10\t5\t3\n");
  // Kept; unknown item 30; unknown user 3 (an unknown item too, counted once as
  // an unknown user); unknown item 40.
  dir.write("u2.test", "2\t20\t1\t4\n1\t30\t2\t5\n3\t40\t5\t6\n2\t40\t3\t7\n");
  const dataset d = load(fold_folder(dir), "u2");
  CHECK(cells_of(d.test.target, d) == cells{{{2, 20}, 1.0f}});
  CHECK(d.test.unknown_user == 1);
  CHECK(d.test.unknown_item == 2);
  CHECK(ids_of(d.items) == std::vector<std::int32_t>{10, 20, 30, 40});
}

TEST_CASE("load_dataset: split all reads the ratings file with no test part", "[split]") {
  temp_dir dir;
  write_fold(dir);  // present but ignored by "all"
  dir.write("u.data",
            "3\t20\t5\t1\n"
            "1\t10\t2\t2\n"
            "3\t10\t4\t3\n");
  const dataset d = load(fold_folder(dir), "all");
  CHECK(d.split == "all");
  CHECK(ids_of(d.users) == std::vector<std::int32_t>{1, 3});
  CHECK(ids_of(d.items) == std::vector<std::int32_t>{10, 20});
  CHECK(cells_of(d.train, d) == cells{{{1, 10}, 2.0f}, {{3, 10}, 4.0f}, {{3, 20}, 5.0f}});
  CHECK(d.test.target.nnz() == 0);
  CHECK(d.test.target.rows() == 2);
  CHECK(d.test.target.cols() == 2);
  CHECK(d.test.unknown_user + d.test.unknown_item == 0);
  CHECK(d.scale.min == 2.0f);
  CHECK(d.scale.max == 5.0f);
}

TEST_CASE("load_dataset: a fold split without fold files says what to use instead", "[split]") {
  temp_dir dir;
  data_files files = write_ratings(dir, random_lines(5, 5, 0.8f, 1));
  const auto e = error_from([&] { load(files, "u1"); });
  REQUIRE(e);
  CHECK(code_name(*e) == "invalid_argument");
  CHECK_THAT(e->what(), Contains("'u1'") && Contains("u1.base") && Contains("random:"));
}

TEST_CASE("load_dataset: a pair in both a fold's base and test names both files' lines", "[split]") {
  temp_dir dir;
  const auto base = dir.write("u1.base",
                              "1\t10\t4\t1\n"
                              "1\t20\t3\t2\n"
                              "2\t10\t5\t3\n");
  const auto test = dir.write("u1.test",
                              "3\t30\t1\t4\n"
                              "\n"
                              "1\t20\t2\t5\n");
  const auto e = error_from([&] { load(fold_folder(dir), "u1"); });
  REQUIRE(e);
  CHECK(code_name(*e) == "parse_error");
  CHECK_THAT(e->what(), Contains(test.string() + ":3:") && Contains(base.string() + ":2"));
}

TEST_CASE("load_dataset: missing fold files are io_errors naming them", "[split]") {
  temp_dir dir;
  for (const char* split : {"u1", "ua", "all"}) {
    CAPTURE(split);
    const auto e = error_from([&] { load(fold_folder(dir), split); });
    REQUIRE(e);
    CHECK(code_name(*e) == "io_error");
    const std::string file = std::string(split) == "all" ? "u.data" : std::string(split) + ".base";
    CHECK_THAT(e->what(), Contains((dir.path() / file).string()));
  }

  // With the training file present, the missing test file is the one named.
  dir.write("u1.base", "1\t10\t4\t1\n");
  const auto e = error_from([&] { load(fold_folder(dir), "u1"); });
  REQUIRE(e);
  CHECK(code_name(*e) == "io_error");
  CHECK_THAT(e->what(), Contains((dir.path() / "u1.test").string()));
}

TEST_CASE("load_dataset: a bad line in a fold's test file is reported there", "[split]") {
  temp_dir dir;
  dir.write("u1.base", "1\t10\t4\t1\n");
  const auto test = dir.write("u1.test", "2\t10\t4\t1\n2\t11\t9\t2\n");
  const auto e = error_from([&] { load(fold_folder(dir), "u1"); });
  REQUIRE(e);
  CHECK(code_name(*e) == "parse_error");
  CHECK_THAT(e->what(), Contains(test.string() + ":2:") && Contains("rating '9' is outside 1..5"));
}

TEST_CASE("load_dataset: validation on a fold is carved from its base only", "[split]") {
  temp_dir dir;
  const std::vector<rating_line> lines = random_lines(20, 15, 0.7f, 3);
  std::vector<rating_line> base, test;
  for (std::size_t k = 0; k < lines.size(); ++k) (k % 5 == 0 ? test : base).push_back(lines[k]);
  dir.write("u3.base", file_text(base, rating_format::tab));
  dir.write("u3.test", file_text(test, rating_format::tab));

  const dataset plain = load(fold_folder(dir), "u3");
  const dataset with_val = load(fold_folder(dir), "u3", 0.25);
  const parts p = check_split(plain, lines);
  const parts v = check_split(with_val, lines);
  CHECK(p.val_target.empty());
  CHECK(p.test_target.size() + p.left_out.size() == test.size());
  CHECK(v.test_target == p.test_target);
  CHECK(v.val_target.size() + with_val.validation.unknown_user + with_val.validation.unknown_item ==
        share(0.25, base.size()));
  CHECK(v.train.size() == base.size() - share(0.25, base.size()));
  for (const auto& [key, value] : v.val_target) CHECK(p.train.count(key) == 1);
}

// --- random, per-user, time and held-out-user splits ----------------------

TEST_CASE("load_dataset: every split kind partitions each file format", "[split]") {
  const std::vector<rating_line> lines = random_lines(25, 18, 0.5f, 11);
  for (const rating_format format : {rating_format::tab, rating_format::dat, rating_format::csv}) {
    for (const char* split : {"all", "random:0.2", "user:0.3", "time:0.15", "users:0.2"}) {
      if (format == rating_format::dat && std::string(split) == "time:0.15") continue;  // no timestamps
      for (const double validation : {0.0, 0.1}) {
        CAPTURE(aerec::rating_format_name(format), split, validation);
        temp_dir dir;
        const dataset d = load(write_ratings(dir, lines, format), split, validation);
        CHECK(d.split == split);
        CHECK(d.name == "synthetic");
        const parts p = check_split(d, lines);
        CHECK(p.train.size() > lines.size() / 2);
        if (std::string(split) != "all") CHECK(!p.test_target.empty());
        CHECK(p.val_target.empty() == (validation == 0));
      }
    }
  }
}

TEST_CASE("load_dataset: random holds out exactly round(F*n) ratings", "[split]") {
  temp_dir dir;
  for (const std::size_t users : {3, 17, 40}) {
    const std::vector<rating_line> lines = random_lines(static_cast<int>(users), 23, 0.6f, users);
    const data_files files = write_ratings(dir, lines);
    for (const double fraction : {0.1, 0.25, 0.5, 0.9}) {
      CAPTURE(users, fraction, lines.size());
      const dataset d = load(files, aerec::split_name({split_kind::random, {}, fraction}));
      const parts p = check_split(d, lines);
      CHECK(p.train.size() == lines.size() - share(fraction, lines.size()));
      CHECK(p.test_target.size() + d.test.unknown_user + d.test.unknown_item ==
            share(fraction, lines.size()));
      CHECK(p.test_input.empty());
    }
  }
}

TEST_CASE("load_dataset: the same seed gives the same split, another seed another", "[split]") {
  temp_dir dir;
  const std::vector<rating_line> lines = random_lines(30, 20, 0.5f, 5);
  const data_files files = write_ratings(dir, lines);
  for (const char* split : {"random:0.2", "user:0.2", "users:0.2", "time:0.2"}) {
    CAPTURE(split);
    const parts first = check_split(load(files, split, 0.1, 7), lines);
    const parts again = check_split(load(files, split, 0.1, 7), lines);
    const parts other = check_split(load(files, split, 0.1, 8), lines);
    CHECK(first == again);
    CHECK(first.val_target != other.val_target);
    if (std::string(split) == "time:0.2")
      CHECK(first.test_target == other.test_target);  // the time split draws nothing
    else
      CHECK(first.test_target != other.test_target);
  }
}

TEST_CASE("load_dataset: user holds out round(F*n) of each user's ratings, keeping one", "[split]") {
  temp_dir dir;
  const std::vector<rating_line> lines = growing_users(12);
  const data_files files = write_ratings(dir, lines);
  std::map<std::int32_t, std::size_t> rated;
  for (const rating_line& l : lines) ++rated[l.user];
  for (const double fraction : {0.2, 0.5, 0.9}) {
    CAPTURE(fraction);
    const dataset d = load(files, aerec::split_name({split_kind::per_user, {}, fraction}));
    const parts p = check_split(d, lines);
    const auto trained = per_user(p.train);
    for (const auto& [user, n] : rated) {
      CAPTURE(user, n);
      const std::size_t held = std::min(share(fraction, n), n - 1);
      CHECK(count_of(trained, user) == n - held);
      CHECK(count_of(trained, user) >= 1);
    }
    // Every user keeps training ratings, so only unknown items are left out.
    CHECK(d.test.unknown_user == 0);
    CHECK(d.test.unknown_item == p.left_out.size());
  }
}

TEST_CASE("load_dataset: time puts exactly the latest ratings in the test part", "[split]") {
  // File order is not time order; three ratings share the latest time 90.
  const std::vector<std::int64_t> times = {50, 10, 90, 30, 90, 20, 70, 90, 40, 60};
  std::vector<rating_line> lines;
  for (std::size_t k = 0; k < times.size(); ++k)
    lines.push_back({static_cast<std::int32_t>(1 + k % 3), static_cast<std::int32_t>(10 + k), 6, times[k]});
  temp_dir dir;
  for (const rating_format format : {rating_format::tab, rating_format::csv}) {
    const data_files files = write_ratings(dir, lines, format);
    const auto latest = [&](std::initializer_list<std::size_t> lines_in_test) {
      cells c;
      for (const std::size_t k : lines_in_test) c.emplace(pair_id{lines[k].user, lines[k].item}, 3.0f);
      return c;
    };
    struct expectation {
      double fraction;
      cells test;
    };
    // Ties go by file order: of the three 90s, the later lines are the later ratings.
    for (const expectation& e :
         {expectation{0.1, latest({7})}, expectation{0.2, latest({4, 7})},
          expectation{0.3, latest({2, 4, 7})}, expectation{0.5, latest({2, 4, 7, 6, 9})}}) {
      CAPTURE(aerec::rating_format_name(format), e.fraction);
      const dataset d = load(files, aerec::split_name({split_kind::time, {}, e.fraction}));
      parts p = check_split(d, lines);
      cells held = p.test_target;
      held.insert(p.left_out.begin(), p.left_out.end());
      CHECK(held == e.test);
      CHECK(p.train.size() == lines.size() - e.test.size());
    }
  }
}

TEST_CASE("load_dataset: time on a file without timestamps names the file", "[split]") {
  temp_dir dir;
  const data_files files = write_ratings(dir, random_lines(5, 5, 0.8f, 2), rating_format::dat);
  const auto e = error_from([&] { load(files, "time:0.1"); });
  REQUIRE(e);
  CHECK(code_name(*e) == "invalid_argument");
  CHECK_THAT(e->what(), Contains("time:0.1") && Contains(files.ratings.string()) && Contains("timestamps"));
}

TEST_CASE("load_dataset: users holds out whole users, split into input and target", "[split]") {
  temp_dir dir;
  const std::vector<rating_line> lines = random_lines(40, 30, 0.4f, 13);
  const data_files files = write_ratings(dir, lines);
  std::map<std::int32_t, std::size_t> rated;
  for (const rating_line& l : lines) ++rated[l.user];
  const dataset d = load(files, "users:0.25");
  const parts p = check_split(d, lines);
  REQUIRE(d.test.input.rows() == d.users.size());
  CHECK(&d.input_for(d.test) == &d.test.input);

  const auto trained = per_user(p.train), inputs = per_user(p.test_input), targets = per_user(p.test_target),
             left = per_user(p.left_out);
  std::size_t held_out = 0;
  for (const auto& [user, n] : rated) {
    CAPTURE(user, n);
    if (count_of(trained, user) > 0) {
      // Users kept for training keep all their ratings there.
      CHECK(count_of(trained, user) == n);
      continue;
    }
    ++held_out;
    const std::size_t target = std::max<std::size_t>(1, share(0.2, n));
    CHECK(count_of(inputs, user) == n - target);
    CHECK(count_of(targets, user) + count_of(left, user) == target);
  }
  CHECK(held_out == share(0.25, rated.size()));
}

TEST_CASE("load_dataset: a held-out user with one rating has nothing to fold in", "[split]") {
  temp_dir dir;
  const std::vector<rating_line> lines = {{1, 10, 8, 1}, {1, 20, 6, 2}, {2, 10, 4, 3}};
  const dataset d = load(write_ratings(dir, lines), "users:0.5");
  const parts p = check_split(d, lines);
  // Either user 1 (two ratings: one input, one target) or user 2 (its only
  // rating is the target, without input) is held out.
  if (p.train.count({1, 10})) {
    CHECK(d.test.unknown_user == 1);
    CHECK(p.test_target.empty());
  } else {
    CHECK(p.test_input.size() == 1);
    CHECK(p.test_target.size() + d.test.unknown_item == 1);
  }
}

TEST_CASE("load_dataset: random validation is carved from training - the test part stays", "[split]") {
  temp_dir dir;
  const std::vector<rating_line> lines = random_lines(30, 20, 0.7f, 17);
  const data_files files = write_ratings(dir, lines);
  for (const char* split : {"random:0.2", "user:0.2", "time:0.2"}) {
    CAPTURE(split);
    const parts plain = check_split(load(files, split, 0, 3), lines);
    const dataset d = load(files, split, 0.15, 3);
    const parts v = check_split(d, lines);
    // The fixture is dense: nothing is left out, so the parts compare whole.
    REQUIRE(plain.left_out.empty());
    REQUIRE(v.left_out.empty());
    CHECK(v.test_target == plain.test_target);
    CHECK(v.val_target.size() == share(0.15, plain.train.size()));
    CHECK(v.train.size() + v.val_target.size() == plain.train.size());
    for (const auto& [key, value] : v.val_target) CHECK(plain.train.count(key) == 1);
    CHECK(d.validation.input.rows() == 0);
    CHECK(&d.input_for(d.validation) == &d.train);
  }
}

TEST_CASE("load_dataset: users validation holds out other users - the test users stay", "[split]") {
  temp_dir dir;
  const std::vector<rating_line> lines = random_lines(40, 25, 0.6f, 19);
  const data_files files = write_ratings(dir, lines);
  const parts plain = check_split(load(files, "users:0.2", 0, 4), lines);
  const dataset d = load(files, "users:0.2", 0.25, 4);
  const parts v = check_split(d, lines);
  REQUIRE(plain.left_out.empty());
  REQUIRE(v.left_out.empty());
  CHECK(v.test_target == plain.test_target);
  CHECK(v.test_input == plain.test_input);
  REQUIRE(d.validation.input.rows() == d.users.size());
  CHECK(&d.input_for(d.validation) == &d.validation.input);

  std::set<std::int32_t> test_users, val_users;
  for (const cells* c : {&v.test_input, &v.test_target})
    for (const auto& [key, value] : *c) test_users.insert(key.first);
  for (const cells* c : {&v.val_input, &v.val_target})
    for (const auto& [key, value] : *c) val_users.insert(key.first);
  const auto trained = per_user(v.train);
  for (const std::int32_t user : val_users) {
    CAPTURE(user);
    CHECK(test_users.count(user) == 0);
    CHECK(count_of(trained, user) == 0);
  }
  CHECK(test_users.size() == share(0.2, 40));
  CHECK(val_users.size() == share(0.25, 40 - test_users.size()));
  // Validation users' ratings are their own rows: input plus a 20% target.
  std::map<std::int32_t, std::size_t> rated;
  for (const rating_line& l : lines) ++rated[l.user];
  const auto val_targets = per_user(v.val_target), val_inputs = per_user(v.val_input);
  for (const std::int32_t user : val_users)
    CHECK(count_of(val_targets, user) == std::max<std::size_t>(1, share(0.2, rated[user])));
  for (const std::int32_t user : val_users)
    CHECK(count_of(val_inputs, user) + count_of(val_targets, user) == rated[user]);
}

TEST_CASE("load_dataset: a validation fraction outside (0, 1) is rejected", "[split]") {
  temp_dir dir;
  const data_files files = write_ratings(dir, random_lines(5, 5, 0.8f, 2));
  for (const double validation : {1.0, -0.1, 1.5}) {
    CAPTURE(validation);
    const auto e = error_from([&] { load(files, "random:0.1", validation); });
    REQUIRE(e);
    CHECK(code_name(*e) == "invalid_argument");
    CHECK_THAT(e->what(), Contains("--val") && Contains("between 0 and 1"));
  }
}

TEST_CASE("load_dataset: test ratings that nothing can predict are counted, never a crash", "[split]") {
  temp_dir dir;
  SECTION("each user rated once: every random test rating lacks a training row") {
    const std::vector<rating_line> lines = {{1, 10, 8, 1}, {2, 20, 6, 2}, {3, 30, 4, 3}, {4, 40, 2, 4}};
    for (std::uint64_t seed = 1; seed <= 5; ++seed) {
      CAPTURE(seed);
      const dataset d = load(write_ratings(dir, lines), "random:0.5", 0, seed);
      check_split(d, lines);
      CHECK(d.test.target.nnz() == 0);
      CHECK(d.test.unknown_user == 2);
      CHECK(d.test.unknown_item == 0);
      CHECK(d.train.nnz() == 2);
    }
  }
  SECTION("each item rated once: every per-user test rating lacks a trained item") {
    const std::vector<rating_line> lines = {{1, 10, 8, 1}, {1, 20, 6, 2}, {2, 30, 4, 3}, {2, 40, 2, 4}};
    const dataset d = load(write_ratings(dir, lines), "user:0.5");
    check_split(d, lines);
    CHECK(d.test.target.nnz() == 0);
    CHECK(d.test.unknown_user == 0);
    CHECK(d.test.unknown_item == 2);
  }
  SECTION("a single rating") {
    const std::vector<rating_line> lines = {{1, 10, 8, 1}};
    for (const char* split : {"random:0.5", "user:0.5", "time:0.9", "users:0.9"}) {
      CAPTURE(split);
      const dataset d = load(write_ratings(dir, lines), split, 0.5);
      check_split(d, lines);
    }
  }
}

// --- file contents --------------------------------------------------------

TEST_CASE("load_dataset: a pair rated twice in one file names both lines", "[split]") {
  temp_dir dir;
  SECTION("tab") {
    const auto path = dir.write("u.data", "7\t3\t4\t1\n8\t3\t4\t2\n\n9\t9\t1\t3\n7\t3\t2\t4\n8\t4\t4\t5\n");
    const data_files files{"x", path, aerec::default_format(rating_format::tab), {}, {}};
    for (const char* split : {"all", "random:0.5", "users:0.5"}) {
      CAPTURE(split);
      const auto e = error_from([&] { load(files, split); });
      REQUIRE(e);
      CHECK(code_name(*e) == "parse_error");
      // The blank line counts: the repeat is on line 5.
      CHECK_THAT(e->what(), Contains(path.string() + ":5:") && Contains(path.string() + ":1"));
    }
  }
  SECTION("csv, the header counted as line 1") {
    const auto path = dir.write("ratings.csv", "userId,movieId,rating,timestamp\n1,2,3.5,1\n1,2,4,2\n");
    const data_files files{"x", path, aerec::default_format(rating_format::csv), {}, {}};
    const auto e = error_from([&] { load(files, "all"); });
    REQUIRE(e);
    CHECK(code_name(*e) == "parse_error");
    CHECK_THAT(e->what(), Contains(path.string() + ":3:") && Contains(path.string() + ":2"));
  }
}

TEST_CASE("load_dataset: the rating scale is the observed range", "[split]") {
  temp_dir dir;
  SECTION("half stars in a csv file") {
    const std::vector<rating_line> lines = {{1, 1, 1, 5}, {1, 2, 9, 6}, {2, 1, 6, 7}, {3, 3, 4, 8}};
    const dataset d = load(write_ratings(dir, lines, rating_format::csv), "all");
    CHECK(d.scale.min == 0.5f);
    CHECK(d.scale.max == 4.5f);
    CHECK(cells_of(d.train, d).at({1, 2}) == 4.5f);
  }
  SECTION("whole stars in a fold: both files count") {
    dir.write("u1.base", "1\t10\t2\t1\n2\t10\t3\t2\n");
    dir.write("u1.test", "1\t20\t4\t3\n");
    const dataset d = load(fold_folder(dir), "u1");
    CHECK(d.scale.min == 2.0f);
    CHECK(d.scale.max == 4.0f);
  }
}

TEST_CASE("load_dataset: large sparse ids", "[split]") {
  temp_dir dir;
  for (const std::int32_t big : {1'000'000, 2'000'000'000, 2'147'483'647}) {
    CAPTURE(big);
    const std::vector<rating_line> lines = {{big, 5, 8, 1},     {3, big - 1, 6, 2}, {big, big - 1, 4, 3},
                                            {3, 5, 10, 4},      {17, 5, 2, 5},      {17, 99, 6, 6},
                                            {big - 2, 99, 6, 7}};
    const dataset d = load(write_ratings(dir, lines), "all");
    check_split(d, lines);
    CHECK(ids_of(d.users) == std::vector<std::int32_t>{3, 17, big - 2, big});
    CHECK(ids_of(d.items) == std::vector<std::int32_t>{5, 99, big - 1});
    CHECK(d.train.row_size(d.users.index_of(big, "user")) == 2);
    const dataset r = load(write_ratings(dir, lines), "random:0.3");
    check_split(r, lines);
  }
}

// --- the split last ---------------------------------------------------------

TEST_CASE("load_dataset: last holds out each user's latest two ratings, ties by movie id", "[split][last]") {
  // File order is not time order; users 5 (two ratings) and 6 (one) are too short.
  const std::vector<rating_line> lines = {// by time: 10 40 20 30
                                          {1, 30, 8, 500},
                                          {1, 10, 6, 100},
                                          {1, 20, 4, 300},
                                          {1, 40, 2, 200},
                                          // ties at 70 by movie id: 20 10 30 40
                                          {2, 40, 10, 70},
                                          {2, 10, 6, 70},
                                          {2, 30, 4, 70},
                                          {2, 20, 8, 10},
                                          // 30 20 10
                                          {3, 20, 6, 7},
                                          {3, 10, 8, 9},
                                          {3, 30, 4, 5},
                                          // 50 10 20 30 40
                                          {4, 10, 6, 1},
                                          {4, 20, 6, 2},
                                          {4, 30, 6, 3},
                                          {4, 40, 6, 4},
                                          {4, 50, 6, 0},
                                          {5, 10, 6, 1},
                                          {5, 20, 6, 2},
                                          {6, 30, 6, 1}};
  // Each kept user's movies in time order: the last is the test target, the
  // one before it the validation target. Every held-out movie has a training rating.
  const std::map<std::int32_t, std::vector<std::int32_t>> in_time = {
      {1, {10, 40, 20, 30}}, {2, {20, 10, 30, 40}}, {3, {30, 20, 10}}, {4, {50, 10, 20, 30, 40}}};
  temp_dir dir;
  for (const rating_format format : {rating_format::tab, rating_format::csv}) {
    CAPTURE(aerec::rating_format_name(format));
    const dataset d = load(write_ratings(dir, lines, format), "last");
    const parts p = check_split(d, lines);
    CHECK(d.split == "last");
    CHECK(d.short_users == 2);
    cells short_ones;
    for (const rating_line& l : lines)
      if (l.user >= 5) short_ones.emplace(pair_id{l.user, l.item}, l.value());
    CHECK(p.left_out == short_ones);
    CHECK(d.test.unknown_item + d.test.unknown_user + d.validation.unknown_item + d.validation.unknown_user ==
          0);

    const auto value_of = [&](std::int32_t user, std::int32_t item) {
      for (const rating_line& l : lines)
        if (l.user == user && l.item == item) return l.value();
      FAIL("no such rating");
      return 0.0f;
    };
    cells test, validation, train;
    for (const auto& [user, items] : in_time) {
      test.emplace(pair_id{user, items.back()}, value_of(user, items.back()));
      const std::int32_t second_last = items[items.size() - 2];
      validation.emplace(pair_id{user, second_last}, value_of(user, second_last));
      for (std::size_t k = 0; k + 2 < items.size(); ++k)
        train.emplace(pair_id{user, items[k]}, value_of(user, items[k]));
    }
    CHECK(p.test_target == test);
    CHECK(p.val_target == validation);
    CHECK(p.train == train);
    // The test part's input is what is known before it: training and validation.
    cells known = train;
    known.insert(validation.begin(), validation.end());
    CHECK(p.test_input == known);
    CHECK(p.val_input.empty());
    CHECK(&d.input_for(d.validation) == &d.train);

    REQUIRE(d.train_order.size() == static_cast<std::size_t>(d.users.size()));
    for (std::int32_t row = 0; row < d.users.size(); ++row) {
      const std::int32_t user = d.users.id(row);
      CAPTURE(user);
      std::vector<std::int32_t> order;
      for (const std::int32_t col : d.train_order[static_cast<std::size_t>(row)])
        order.push_back(d.items.id(col));
      std::vector<std::int32_t> expected;
      if (in_time.count(user)) expected.assign(in_time.at(user).begin(), in_time.at(user).end() - 2);
      CHECK(order == expected);
    }
  }
}

TEST_CASE("load_dataset: last on random data keeps one test and one validation rating a user",
          "[split][last]") {
  const std::vector<rating_line> lines = random_lines(60, 25, 0.12f, 7);
  temp_dir dir;
  const dataset d = load(write_ratings(dir, lines), "last");
  const parts p = check_split(d, lines);
  std::map<std::int32_t, std::vector<rating_line>> by_user;
  for (const rating_line& l : lines) by_user[l.user].push_back(l);
  std::size_t short_users = 0;
  const auto test_users = per_user(p.test_target), val_users = per_user(p.val_target);
  for (auto& [user, mine] : by_user) {
    CAPTURE(user);
    if (mine.size() < 3) {
      ++short_users;
      CHECK(count_of(test_users, user) + count_of(val_users, user) == 0);
      continue;
    }
    std::sort(mine.begin(), mine.end(), [](const rating_line& a, const rating_line& b) {
      return std::pair(a.time, a.item) < std::pair(b.time, b.item);
    });
    // A target whose movie has no training rating is counted apart, not kept.
    const auto held = [&](const cells& c, const rating_line& l) {
      return c.count(pair_id{user, l.item}) + p.left_out.count(pair_id{user, l.item}) == 1;
    };
    CHECK(held(p.test_target, mine.back()));
    CHECK(held(p.val_target, mine[mine.size() - 2]));
    CHECK(count_of(test_users, user) <= 1);
    CHECK(count_of(val_users, user) <= 1);
    const auto row = *d.users.find(user);
    CHECK(d.train_order[static_cast<std::size_t>(row)].size() == mine.size() - 2);
  }
  CHECK(d.short_users == short_users);
  CHECK(short_users > 0);
}

TEST_CASE("load_dataset: last needs timestamps and refuses a validation fraction", "[split][last]") {
  temp_dir dir;
  const data_files no_times = write_ratings(dir, random_lines(5, 5, 0.8f, 2), rating_format::dat);
  const auto e = error_from([&] { load(no_times, "last"); });
  REQUIRE(e);
  CHECK(code_name(*e) == "invalid_argument");
  CHECK_THAT(e->what(), Contains("'last'") && Contains(no_times.ratings.string()) && Contains("timestamps"));

  const data_files timed = write_ratings(dir, random_lines(5, 5, 0.8f, 2));
  const auto v = error_from([&] { load(timed, "last", 0.1); });
  REQUIRE(v);
  CHECK(code_name(*v) == "invalid_argument");
  CHECK_THAT(v->what(), Contains("--val") && Contains("second-to-last"));
}

TEST_CASE("load_dataset: the other splits have no time orders or short users", "[split][last]") {
  temp_dir dir;
  const data_files files = write_ratings(dir, growing_users(6));
  for (const char* split : {"all", "random:0.2", "time:0.2", "users:0.3"}) {
    CAPTURE(split);
    const dataset d = load(files, split);
    CHECK(d.train_order.empty());
    CHECK(d.short_users == 0);
  }
}
