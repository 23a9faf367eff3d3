#include <catch2/catch.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "aerec/error.h"
#include "aerec/movielens.h"
#include "expect_error.h"
#include "temp_dir.h"

using aerec::testing::code_name;
using aerec::testing::error_from;
using aerec::testing::temp_dir;
using Catch::Matchers::Contains;

namespace {

const aerec::rating_scale one_to_five{1, 5};

using cell = std::tuple<std::int32_t, std::int32_t, float>;

// A data set part as (user id, item id, value), mapping dense indices back to ids.
std::vector<cell> cells_by_id(const aerec::ratings& r, const aerec::dataset& d) {
  std::vector<cell> out;
  for (const auto& e : r.entries()) out.emplace_back(d.users.id(e.row), d.items.id(e.col), e.value);
  return out;
}

std::vector<std::int32_t> ids_of(const aerec::id_map& m) { return {m.ids().begin(), m.ids().end()}; }

}  // namespace

TEST_CASE("read_tab_ratings: good file with CRLF, blank lines and no final newline",
          "[movielens]") {
  temp_dir dir;
  const auto path = dir.write("u.data",
                              "196\t242\t3\t881250949\n"
                              "186\t302\t3.5\t891717742\r\n"
                              "\n"
                              "22\t377\t1\t878887116\r\n"
                              "\r\n"
                              "244\t51\t5\t880606923");
  const aerec::rating_file f = aerec::read_tab_ratings(path, one_to_five);
  CHECK(f.path == path);
  REQUIRE(f.ratings.size() == 4);
  using row = std::tuple<std::int32_t, std::int32_t, float, std::int64_t>;
  std::vector<row> got;
  for (const auto& r : f.ratings) got.emplace_back(r.user, r.item, r.value, r.line);
  // Line numbers count the blank lines, so errors point at the right place.
  CHECK(got == std::vector<row>{{196, 242, 3.0f, 1},
                                {186, 302, 3.5f, 2},
                                {22, 377, 1.0f, 4},
                                {244, 51, 5.0f, 6}});
}

TEST_CASE("read_tab_ratings: each bad line kind names file, line and reason", "[movielens]") {
  struct bad_case {
    const char* what;
    std::string line;
    std::vector<std::string> reason;  // substrings the message must contain
  };
  const std::vector<bad_case> cases = {
      {"non-numeric user", "x1\t10\t3\t881250949", {"user id 'x1' is not a number"}},
      {"negative user", "-1\t10\t3\t881250949", {"user id '-1' is not a number"}},
      {"non-numeric item", "5\tabc\t3\t881250949", {"item id 'abc' is not a number"}},
      {"non-numeric rating", "5\t10\tfour\t881250949", {"rating 'four' is not a number"}},
      {"three fields", "5\t10\t3", {"expected 4 tab-separated fields", "found 3"}},
      {"five fields", "5\t10\t3\t881250949\textra", {"expected 4 tab-separated fields", "found 5"}},
      {"space separated", "5 10 3 881250949", {"expected 4 tab-separated fields", "found 1"}},
      {"rating 0", "5\t10\t0\t881250949", {"rating '0' is outside 1..5"}},
      {"rating 6", "5\t10\t6\t881250949", {"rating '6' is outside 1..5"}},
      {"rating 5.5", "5\t10\t5.5\t881250949", {"rating '5.5' is outside 1..5"}},
      {"exponent garbage", "5\t10\t4.5e1\t881250949", {"rating '4.5e1'", "not a number"}},
      {"empty rating", "5\t10\t\t881250949", {"rating '' is not a number"}},
      {"bad timestamp", "5\t10\t3\tyesterday", {"timestamp 'yesterday' is not a number"}},
  };
  for (const bad_case& c : cases) {
    CAPTURE(c.what);
    temp_dir dir;
    // Two good lines and a blank one first, so the bad line is line 4.
    const auto path =
        dir.write("u1.base", "1\t1\t5\t874965758\r\n2\t1\t4\t874965759\n\n" + c.line + "\n3\t1\t2\t1\n");
    const auto e = error_from([&] { aerec::read_tab_ratings(path, one_to_five); });
    REQUIRE(e);
    CHECK(code_name(*e) == "parse_error");
    CHECK_THAT(e->what(), Contains(path.string() + ":4:"));
    for (const std::string& r : c.reason) CHECK_THAT(e->what(), Contains(r));
  }
}

TEST_CASE("read_tab_ratings: a rating outside a custom scale", "[movielens]") {
  temp_dir dir;
  const auto path = dir.write("r.tsv", "1\t1\t0.5\t1\n1\t2\t10\t2\n");
  const auto ok = aerec::read_tab_ratings(path, aerec::rating_scale{0.5f, 10});
  CHECK(ok.ratings.size() == 2);
  const auto e = error_from([&] { aerec::read_tab_ratings(path, aerec::rating_scale{1, 5}); });
  REQUIRE(e);
  CHECK(code_name(*e) == "parse_error");
  CHECK_THAT(e->what(), Contains(path.string() + ":1:") && Contains("rating '0.5' is outside 1..5"));
}

TEST_CASE("read_tab_ratings: a repeated user-item pair names both lines", "[movielens]") {
  temp_dir dir;
  const auto path = dir.write("u.data",
                              "7\t3\t4\t1\n"
                              "8\t3\t4\t2\n"
                              "9\t9\t1\t3\n"
                              "7\t3\t2\t4\n"
                              "8\t4\t4\t5\n");
  const auto e = error_from([&] { aerec::read_tab_ratings(path, one_to_five); });
  REQUIRE(e);
  CHECK(code_name(*e) == "parse_error");
  CHECK_THAT(e->what(), Contains(path.string() + ":4:") && Contains("user 7") &&
                            Contains("item 3") && Contains("first on line 1"));
}

TEST_CASE("read_tab_ratings: empty and blank-only files have no ratings", "[movielens]") {
  for (const char* content : {"", "\n\r\n\n"}) {
    CAPTURE(content);
    temp_dir dir;
    const auto path = dir.write("u.data", content);
    const auto e = error_from([&] { aerec::read_tab_ratings(path, one_to_five); });
    REQUIRE(e);
    CHECK(code_name(*e) == "parse_error");
    CHECK_THAT(e->what(), Contains(path.string()) && Contains("no ratings"));
  }
}

TEST_CASE("read_tab_ratings: a missing file is an io_error naming it", "[movielens]") {
  temp_dir dir;
  const auto path = dir.path() / "nope.data";
  const auto e = error_from([&] { aerec::read_tab_ratings(path, one_to_five); });
  REQUIRE(e);
  CHECK(code_name(*e) == "io_error");
  CHECK_THAT(e->what(), Contains(path.string()));
}

namespace {

// A tiny fold: user 9 and item 300 appear only in the test part, user 2 only in
// train; the first lines are not in id order, so the sort is observable.
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

TEST_CASE("load_movielens_100k: a fold's users and items are the sorted union", "[movielens]") {
  temp_dir dir;
  write_fold(dir);
  const aerec::dataset d = aerec::load_movielens_100k(dir.path(), "u1");
  CHECK(d.name == "ml-100k");
  CHECK(d.split == "u1");
  CHECK(d.scale.min == 1.0f);
  CHECK(d.scale.max == 5.0f);
  CHECK(ids_of(d.users) == std::vector<std::int32_t>{2, 5, 9});
  CHECK(ids_of(d.items) == std::vector<std::int32_t>{100, 200, 250, 300});

  CHECK(d.train.rows() == 3);
  CHECK(d.train.cols() == 4);
  CHECK(d.test.rows() == 3);
  CHECK(d.test.cols() == 4);
  CHECK(cells_by_id(d.train, d) ==
        std::vector<cell>{{2, 100, 3.0f}, {2, 250, 5.0f}, {5, 100, 1.0f}, {5, 200, 4.0f}});
  CHECK(cells_by_id(d.test, d) == std::vector<cell>{{5, 250, 4.0f}, {9, 300, 2.0f}});
  // User 9 has no training ratings: an empty training row, not a missing one.
  CHECK(d.train.row_size(*d.users.find(9)) == 0);
}

TEST_CASE("load_movielens_100k: split all reads u.data with no test part", "[movielens]") {
  temp_dir dir;
  write_fold(dir);  // present but ignored by "all"
  dir.write("u.data",
            "3\t20\t5\t1\n"
            "1\t10\t2\t2\n"
            "3\t10\t4\t3\n");
  const aerec::dataset d = aerec::load_movielens_100k(dir.path(), "all");
  CHECK(d.split == "all");
  CHECK(ids_of(d.users) == std::vector<std::int32_t>{1, 3});
  CHECK(ids_of(d.items) == std::vector<std::int32_t>{10, 20});
  CHECK(cells_by_id(d.train, d) == std::vector<cell>{{1, 10, 2.0f}, {3, 10, 4.0f}, {3, 20, 5.0f}});
  CHECK(d.test.nnz() == 0);
  CHECK(d.test.rows() == 2);
  CHECK(d.test.cols() == 2);
}

TEST_CASE("load_movielens_100k: an unknown split lists the known ones", "[movielens]") {
  temp_dir dir;
  write_fold(dir);
  const auto e = error_from([&] { aerec::load_movielens_100k(dir.path(), "u9"); });
  REQUIRE(e);
  CHECK(code_name(*e) == "invalid_argument");
  CHECK_THAT(e->what(), Contains("'u9'"));
  for (const std::string& name : aerec::movielens_100k_splits()) CHECK_THAT(e->what(), Contains(name));
  CHECK_THAT(e->what(), Contains("u1, u2, u3, u4, u5, ua, ub, all"));
}

TEST_CASE("load_movielens_100k: a pair in both train and test names both files' lines",
          "[movielens]") {
  temp_dir dir;
  const auto base = dir.write("u1.base",
                              "1\t10\t4\t1\n"
                              "1\t20\t3\t2\n"
                              "2\t10\t5\t3\n");
  const auto test = dir.write("u1.test",
                              "3\t30\t1\t4\n"
                              "1\t20\t2\t5\n");
  const auto e = error_from([&] { aerec::load_movielens_100k(dir.path(), "u1"); });
  REQUIRE(e);
  CHECK(code_name(*e) == "parse_error");
  CHECK_THAT(e->what(), Contains(test.string() + ":2:") && Contains(base.string() + ":2") &&
                            Contains("user 1 item 20"));
}

TEST_CASE("load_movielens_100k: missing files are io_errors naming them", "[movielens]") {
  temp_dir dir;
  for (const char* split : {"u1", "ua", "all"}) {
    CAPTURE(split);
    const auto e = error_from([&] { aerec::load_movielens_100k(dir.path(), split); });
    REQUIRE(e);
    CHECK(code_name(*e) == "io_error");
    const std::string file = std::string(split) == "all" ? "u.data" : std::string(split) + ".base";
    CHECK_THAT(e->what(), Contains((dir.path() / file).string()));
  }

  // With the training file present, the missing test file is the one named.
  dir.write("u1.base", "1\t10\t4\t1\n");
  const auto e = error_from([&] { aerec::load_movielens_100k(dir.path(), "u1"); });
  REQUIRE(e);
  CHECK(code_name(*e) == "io_error");
  CHECK_THAT(e->what(), Contains((dir.path() / "u1.test").string()));
}

TEST_CASE("load_movielens_100k: a bad line in the test file is reported there", "[movielens]") {
  temp_dir dir;
  dir.write("u1.base", "1\t10\t4\t1\n");
  const auto test = dir.write("u1.test", "2\t10\t4\t1\n2\t11\t9\t2\n");
  const auto e = error_from([&] { aerec::load_movielens_100k(dir.path(), "u1"); });
  REQUIRE(e);
  CHECK(code_name(*e) == "parse_error");
  CHECK_THAT(e->what(), Contains(test.string() + ":2:") && Contains("rating '9' is outside 1..5"));
}

namespace {

const char* const genre_file = "unknown|0\nAction|1\nComedy|2\nDrama|3\n\n";

}  // namespace

TEST_CASE("read_movies_100k: latin-1 titles become UTF-8, genres from flags", "[movielens]") {
  temp_dir dir;
  dir.write("u.genre", genre_file);
  dir.write("u.item",
            "1|Caf\xe9 (1995)|01-Jan-1995||http://example.org/1|0|1|1|0\n"
            "2|M\xfcnchen (2005)|23-Dec-2005||http://example.org/2|0|0|0|1\r\n"
            "\n"
            "10|Plain (1990)|01-Jan-1990||http://example.org/10|1|0|0|0\n");
  const std::vector<aerec::movie> movies = aerec::read_movies_100k(dir.path());
  REQUIRE(movies.size() == 3);

  CHECK(movies[0].id == 1);
  CHECK(movies[0].title == "Caf\xc3\xa9 (1995)");
  CHECK(movies[0].genres == std::vector<std::string>{"Action", "Comedy"});

  CHECK(movies[1].id == 2);
  CHECK(movies[1].title == "M\xc3\xbc" "nchen (2005)");
  CHECK(movies[1].genres == std::vector<std::string>{"Drama"});

  CHECK(movies[2].id == 10);
  CHECK(movies[2].title == "Plain (1990)");
  CHECK(movies[2].genres == std::vector<std::string>{"unknown"});
}

TEST_CASE("read_movies_100k: a u.item line with the wrong field count", "[movielens]") {
  temp_dir dir;
  dir.write("u.genre", genre_file);
  const auto item = dir.write("u.item",
                              "1|One (1995)|01-Jan-1995||http://example.org/1|0|1|1|0\n"
                              "2|Two (1995)|01-Jan-1995||http://example.org/2|0|1|1\n");
  const auto e = error_from([&] { aerec::read_movies_100k(dir.path()); });
  REQUIRE(e);
  CHECK(code_name(*e) == "parse_error");
  CHECK_THAT(e->what(), Contains(item.string() + ":2:") && Contains("expected 9") &&
                            Contains("found 8"));
}

TEST_CASE("read_movies_100k: a missing u.item is an io_error", "[movielens]") {
  temp_dir dir;
  dir.write("u.genre", genre_file);
  const auto e = error_from([&] { aerec::read_movies_100k(dir.path()); });
  REQUIRE(e);
  CHECK(code_name(*e) == "io_error");
  CHECK_THAT(e->what(), Contains((dir.path() / "u.item").string()));
}

TEST_CASE("locate_movielens_100k: the folder itself or its ml-100k child", "[movielens]") {
  temp_dir dir;
  const auto e = error_from([&] { aerec::locate_movielens_100k(dir.path()); });
  REQUIRE(e);
  CHECK(code_name(*e) == "io_error");
  CHECK_THAT(e->what(), Contains(dir.path().string()));

  std::filesystem::create_directories(dir.path() / "ml-100k");
  dir.write("ml-100k/u.data", "1\t1\t5\t1\n");
  CHECK(aerec::locate_movielens_100k(dir.path()) == dir.path() / "ml-100k");

  // u.data directly in the folder wins over a child folder.
  dir.write("u.data", "1\t1\t5\t1\n");
  CHECK(aerec::locate_movielens_100k(dir.path()) == dir.path());
}
