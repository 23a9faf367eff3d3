#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <string>
#include <tuple>
#include <vector>

#include "aerec/core/error.h"
#include "aerec/data/rating_reader.h"
#include "expect_error.h"
#include "temp_dir.h"

using aerec::format_spec;
using aerec::rating_format;
using aerec::rating_table;
using aerec::testing::code_name;
using aerec::testing::error_from;
using aerec::testing::temp_dir;
using Catch::Matchers::Contains;

namespace {

using row = std::tuple<std::int32_t, std::int32_t, float>;

std::vector<row> rows_of(const rating_table& t) {
  std::vector<row> out;
  for (std::size_t i = 0; i < t.size(); ++i) out.emplace_back(t.users[i], t.items[i], t.values[i]);
  return out;
}

std::vector<std::int64_t> lines_of(const rating_table& t) {
  std::vector<std::int64_t> out;
  for (std::size_t i = 0; i < t.size(); ++i) out.push_back(t.line(i));
  return out;
}

format_spec format_of(rating_format kind) { return aerec::default_format(kind); }

// Reads `content` as `name` and returns the message of the parse_error it must raise.
std::string parse_error_of(const std::string& name, const std::string& content, const format_spec& format) {
  temp_dir dir;
  const auto path = dir.write(name, content);
  const auto e = error_from([&] { aerec::read_ratings(path, format); });
  REQUIRE(e);
  CHECK(code_name(*e) == "parse_error");
  return e->what();
}

}  // namespace

TEST_CASE("rating formats have names and MovieLens defaults", "[reader]") {
  for (const rating_format f :
       {rating_format::tab, rating_format::dat, rating_format::csv, rating_format::delimited})
    CHECK(aerec::parse_rating_format(aerec::rating_format_name(f)) == f);
  const auto e = error_from([] { aerec::parse_rating_format("tsv"); });
  REQUIRE(e);
  CHECK(code_name(*e) == "invalid_argument");
  CHECK_THAT(e->what(), Contains("'tsv'") && Contains("tab, dat, csv, delimited"));

  const format_spec tab = format_of(rating_format::tab);
  CHECK(tab.delimiter == "\t");
  CHECK_FALSE(tab.header);
  CHECK(tab.valid.min == 1.0f);
  const format_spec dat = format_of(rating_format::dat);
  CHECK(dat.delimiter == "::");
  CHECK_FALSE(dat.header);
  CHECK(dat.valid.min == 0.5f);
  for (const rating_format f : {rating_format::csv, rating_format::delimited}) {
    const format_spec csv = format_of(f);
    CHECK(csv.kind == f);
    CHECK(csv.delimiter == ",");
    CHECK(csv.header);
    CHECK(csv.valid.min == 0.5f);
    CHECK(csv.valid.max == 5.0f);
  }
}

TEST_CASE("tab: values, timestamps, CRLF, blank lines and no final newline", "[reader]") {
  temp_dir dir;
  const auto path = dir.write("u.data",
                              "196\t242\t3\t881250949\n"
                              "186\t302\t4\t891717742\r\n"
                              "\n"
                              "22\t377\t1\t878887116\r\n"
                              "\r\n"
                              "\n"
                              "244\t51\t5\t880606923");
  const rating_table t = aerec::read_ratings(path, format_of(rating_format::tab));
  CHECK(t.path == path);
  CHECK(rows_of(t) == std::vector<row>{{196, 242, 3.0f}, {186, 302, 4.0f}, {22, 377, 1.0f}, {244, 51, 5.0f}});
  REQUIRE(t.has_timestamps());
  CHECK(t.timestamps == std::vector<std::int64_t>{881250949, 891717742, 878887116, 880606923});
  // Blank lines are skipped but counted, so errors and line() point at the right place.
  CHECK(lines_of(t) == std::vector<std::int64_t>{1, 2, 4, 7});
  CHECK(t.line_marks == std::vector<std::pair<std::size_t, std::int64_t>>{{0, 1}, {2, 4}, {3, 7}});
}

TEST_CASE("dat: with and without timestamps, half stars", "[reader]") {
  temp_dir dir;
  const auto with = dir.write("ratings.dat", "1::1193::5::978300760\n1::661::3.5::978302109\n");
  const rating_table a = aerec::read_ratings(with, format_of(rating_format::dat));
  CHECK(rows_of(a) == std::vector<row>{{1, 1193, 5.0f}, {1, 661, 3.5f}});
  CHECK(a.timestamps == std::vector<std::int64_t>{978300760, 978302109});

  const auto without = dir.write("ratings-notimestamp.dat", "1::1193::5\n2::661::0.5\n");
  const rating_table b = aerec::read_ratings(without, format_of(rating_format::dat));
  CHECK(rows_of(b) == std::vector<row>{{1, 1193, 5.0f}, {2, 661, 0.5f}});
  CHECK_FALSE(b.has_timestamps());
  CHECK(lines_of(b) == std::vector<std::int64_t>{1, 2});
}

TEST_CASE("dat: the first line fixes the field count for every line", "[reader]") {
  const auto dat = format_of(rating_format::dat);
  CHECK_THAT(parse_error_of("r.dat", "1::2::3\n1::3::4::978300760\n", dat),
             Contains("r.dat:2: expected 3 '::'-separated fields (user, item, rating) as on line 1, "
                      "found 4"));
  CHECK_THAT(parse_error_of("r.dat", "\n1::2::3::978300760\n1::3::4\n", dat),
             Contains("r.dat:3: expected 4 '::'-separated fields (user, item, rating, timestamp) as "
                      "on line 2, found 3"));
  CHECK_THAT(parse_error_of("r.dat", "\n1::2\n", dat),
             Contains("r.dat:2: expected 3 or 4 '::'-separated fields") && Contains("found 2"));
}

TEST_CASE("csv: header, half stars, BOM, columns found by name", "[reader]") {
  temp_dir dir;
  const auto csv = format_of(rating_format::csv);
  const auto plain = dir.write("ratings.csv",
                               "\xEF\xBB\xBFuserId,movieId,rating,timestamp\r\n"
                               "1,1,4.0,964982703\r\n"
                               "1,3,0.5,964981247\r\n"
                               "\r\n"
                               "2,50,5.0,964982931");
  const rating_table a = aerec::read_ratings(plain, csv);
  CHECK(rows_of(a) == std::vector<row>{{1, 1, 4.0f}, {1, 3, 0.5f}, {2, 50, 5.0f}});
  CHECK(a.timestamps == std::vector<std::int64_t>{964982703, 964981247, 964982931});
  CHECK(lines_of(a) == std::vector<std::int64_t>{2, 3, 5});

  // Columns in another order, an extra column, no timestamp.
  const auto reordered = dir.write("reordered.csv",
                                   "rating,tag,movieId,userId\n"
                                   "3.5,funny,10,7\n"
                                   "2,,11,8\n");
  const rating_table b = aerec::read_ratings(reordered, csv);
  CHECK(rows_of(b) == std::vector<row>{{7, 10, 3.5f}, {8, 11, 2.0f}});
  CHECK_FALSE(b.has_timestamps());

  const auto reordered_time = dir.write("time.csv", "timestamp,movieId,rating,userId\n99,10,3,7\n");
  const rating_table c = aerec::read_ratings(reordered_time, csv);
  CHECK(rows_of(c) == std::vector<row>{{7, 10, 3.0f}});
  CHECK(c.timestamps == std::vector<std::int64_t>{99});
}

TEST_CASE("delimited: any delimiter and column names", "[reader]") {
  temp_dir dir;
  format_spec f = format_of(rating_format::delimited);
  f.delimiter = ";";
  f.user_column = "who";
  f.item_column = "what";
  f.rating_column = "stars";
  f.timestamp_column = "when";
  f.valid = {0, 10};
  const auto semicolons = dir.write("r.txt", "what;who;extra;stars;when\n5;9;x;10;123\n6;9;y;0;124\n");
  const rating_table a = aerec::read_ratings(semicolons, f);
  CHECK(rows_of(a) == std::vector<row>{{9, 5, 10.0f}, {9, 6, 0.0f}});
  CHECK(a.timestamps == std::vector<std::int64_t>{123, 124});

  f.delimiter = "||";
  const auto multi = dir.write("r2.txt", "who||what||stars\n1||2||7.5\n");
  const rating_table b = aerec::read_ratings(multi, f);
  CHECK(rows_of(b) == std::vector<row>{{1, 2, 7.5f}});
  CHECK_FALSE(b.has_timestamps());
  CHECK_THAT(parse_error_of("r3.txt", "who||what||stars\n1||2|7.5\n", f),
             Contains("r3.txt:2: expected 3 '||'-separated fields as in the header, found 2"));

  f.delimiter = "";
  const auto e = error_from([&] { aerec::read_ratings(multi, f); });
  REQUIRE(e);
  CHECK(code_name(*e) == "invalid_argument");
}

TEST_CASE("each bad line names file, line and reason", "[reader]") {
  struct bad_case {
    rating_format format;
    std::string line;
    std::vector<std::string> reason;  // substrings the message must contain
  };
  const auto tab = rating_format::tab;
  const auto csv = rating_format::csv;
  const auto dat = rating_format::dat;
  const std::vector<bad_case> cases = {
      {tab, "5,10,3,881250949", {"expected 4 tab-separated fields", "found 1"}},
      {tab, "5\t10\t3", {"expected 4 tab-separated fields", "found 3"}},
      {tab, "5\t10\t3\t881250949\textra", {"expected 4 tab-separated fields", "found 5"}},
      {tab, "x1\t10\t3\t881250949", {"user id 'x1' is not a number"}},
      {tab, "-1\t10\t3\t881250949", {"user id '-1' is not a number"}},
      {tab, "\t10\t3\t881250949", {"user id '' is not a number"}},
      {tab, "99999999999\t10\t3\t881250949", {"user id '99999999999' is not a number"}},
      {tab, "5\tabc\t3\t881250949", {"item id 'abc' is not a number"}},
      {tab, "5\t-10\t3\t881250949", {"item id '-10' is not a number"}},
      {tab, "5\t10\tfour\t881250949", {"rating 'four' is not a number"}},
      {tab, "5\t10\t\t881250949", {"rating '' is not a number"}},
      {tab, "5\t10\t4.5e1\t881250949", {"rating '4.5e1' is not a number"}},
      {tab, "5\t10\t0\t881250949", {"rating '0' is outside 1..5"}},
      {tab, "5\t10\t5.5\t881250949", {"rating '5.5' is outside 1..5"}},
      {tab, "5\t10\t3\tyesterday", {"timestamp 'yesterday' is not a number"}},
      {tab, "5\t10\t3\t-5", {"timestamp '-5' is not a number"}},
      {dat, "5::10::0.0", {"rating '0.0' is outside 0.5..5"}},
      {dat, "5::10::3.", {"rating '3.' is not a number"}},
      {dat, "5:10:3", {"expected 3 '::'-separated fields", "found 1"}},
      {csv, "5,10,3", {"expected 4 ','-separated fields as in the header", "found 3"}},
      {csv, "5\t10\t3\t881250949", {"expected 4 ','-separated fields as in the header", "found 1"}},
      {csv, "5,10,3.5,881250949,x", {"expected 4 ','-separated fields as in the header", "found 5"}},
      {csv, "5,10,,881250949", {"rating '' is not a number"}},
      {csv, "5,10,6,881250949", {"rating '6' is outside 0.5..5"}},
      {csv, "5,1x,3,881250949", {"item id '1x' is not a number"}},
      {csv, "5,10,3,1.5", {"timestamp '1.5' is not a number"}},
  };
  for (const bad_case& c : cases) {
    INFO(c.line);
    // A good line and a blank one first, so the bad line is line 3 (4 after a header).
    const format_spec format = format_of(c.format);
    const bool header = format.header;
    const std::string good = c.format == tab ? "1\t2\t3\t4" : c.format == dat ? "1::2::3" : "1,2,3,4";
    const std::string content =
        (header ? "userId,movieId,rating,timestamp\n" : "") + good + "\n\n" + c.line + "\n";
    const std::string message = parse_error_of("bad.txt", content, format);
    CHECK_THAT(message, Contains("bad.txt:" + std::to_string(header ? 4 : 3) + ": "));
    for (const auto& part : c.reason) CHECK_THAT(message, Contains(part));
  }
}

TEST_CASE("the header must name the required columns, once", "[reader]") {
  const auto csv = format_of(rating_format::csv);
  CHECK_THAT(
      parse_error_of("r.csv", "userId,itemId,rating\n1,2,3\n", csv),
      Contains("r.csv:1: the header has no column 'movieId'") && Contains("'userId', 'itemId', 'rating'"));
  CHECK_THAT(parse_error_of("r.csv", "\nuserId,movieId,timestamp\n1,2,3\n", csv),
             Contains("r.csv:2: the header has no column 'rating'"));
  CHECK_THAT(parse_error_of("r.csv", "userId,movieId,rating,userId\n1,2,3,1\n", csv),
             Contains("r.csv:1: the header names column 'userId' twice"));
  // A comma file read with a tab delimiter: the header is one unknown column.
  format_spec tabbed = csv;
  tabbed.delimiter = "\t";
  CHECK_THAT(parse_error_of("r.csv", "userId,movieId,rating\n1,2,3\n", tabbed),
             Contains("r.csv:1: the header has no column 'userId'") && Contains("'userId,movieId,rating'"));
}

TEST_CASE("a file without ratings is an error", "[reader]") {
  temp_dir dir;
  for (const auto& [name, content, kind] : std::vector<std::tuple<std::string, std::string, rating_format>>{
           {"empty.data", "", rating_format::tab},
           {"blank.data", "\n\r\n\n", rating_format::tab},
           {"header.csv", "userId,movieId,rating,timestamp\n", rating_format::csv},
           {"empty.csv", "", rating_format::csv}}) {
    const auto path = dir.write(name, content);
    const auto e = error_from([&] { aerec::read_ratings(path, format_of(kind)); });
    REQUIRE(e);
    CHECK(code_name(*e) == "parse_error");
    CHECK(std::string(e->what()) == path.string() + ": no ratings");
  }
}

TEST_CASE("a missing or unreadable file is an io_error naming it", "[reader]") {
  temp_dir dir;
  const auto missing = dir.path() / "nope.data";
  const auto e = error_from([&] { aerec::read_ratings(missing, format_of(rating_format::tab)); });
  REQUIRE(e);
  CHECK(code_name(*e) == "io_error");
  CHECK_THAT(e->what(), Contains(missing.string()) && Contains("cannot open"));

  const auto d = error_from([&] { aerec::read_ratings(dir.path(), format_of(rating_format::tab)); });
  REQUIRE(d);
  CHECK(code_name(*d) == "io_error");
  CHECK_THAT(d->what(), Contains("is a directory"));
}

TEST_CASE("lines split across read blocks parse as whole lines", "[reader]") {
  temp_dir dir;
  // BOM, CRLF, blank lines, a long extra column and no final newline: every
  // block size puts some boundary inside each of them.
  const std::string content =
      "\xEF\xBB\xBFuserId,movieId,rating,timestamp,note\r\n"
      "1,10,4.5,100,short\r\n"
      "\r\n"
      "22,333,3,200," +
      std::string(70, 'x') +
      "\n"
      "\n"
      "4444,5,0.5,300,n\n"
      "7,8,5,400,end";
  const auto path = dir.write("blocks.csv", content);
  const auto csv = format_of(rating_format::csv);
  const rating_table whole = aerec::read_ratings(path, csv);
  REQUIRE(rows_of(whole) == std::vector<row>{{1, 10, 4.5f}, {22, 333, 3.0f}, {4444, 5, 0.5f}, {7, 8, 5.0f}});
  REQUIRE(lines_of(whole) == std::vector<std::int64_t>{2, 4, 6, 7});
  for (std::size_t block = 1; block <= content.size() + 1; ++block) {
    INFO("block size " << block);
    const rating_table t = aerec::read_ratings(path, csv, block);
    CHECK(rows_of(t) == rows_of(whole));
    CHECK(t.timestamps == whole.timestamps);
    CHECK(t.line_marks == whole.line_marks);
  }
  // An error in a later block still names its line.
  const auto bad = dir.write("bad.csv", content + "\n\n9,9,9,9,x\n");
  for (const std::size_t block : {std::size_t{3}, std::size_t{16}, std::size_t{64}}) {
    const auto e = error_from([&] { aerec::read_ratings(bad, csv, block); });
    REQUIRE(e);
    CHECK_THAT(e->what(), Contains("bad.csv:9: rating '9' is outside 0.5..5"));
  }
}

TEST_CASE("line() finds each rating's line through the marks", "[reader]") {
  temp_dir dir;
  std::string content;
  std::vector<std::int64_t> expected;
  std::int64_t line = 0;
  for (int i = 0; i < 200; ++i) {
    // Blank lines at irregular places: runs of ratings of different lengths.
    if (i % 7 == 0 || i % 11 == 0) {
      content += "\n";
      ++line;
    }
    content += std::to_string(i) + "\t1\t3\t0\n";
    expected.push_back(++line);
  }
  const auto path = dir.write("u.data", content);
  const rating_table t = aerec::read_ratings(path, format_of(rating_format::tab));
  REQUIRE(t.size() == 200);
  CHECK(lines_of(t) == expected);
  CHECK(t.line_marks.size() < t.size());
}

TEST_CASE("read_ratings: timestamps can be checked without being kept", "[reader]") {
  temp_dir dir;
  const auto path = dir.write("u.data", "1\t10\t4\t881250949\n2\t20\t3\t881250900\n3\t30\t3\t881250999\n");
  format_spec f = format_of(rating_format::tab);
  f.keep_timestamps = false;
  const rating_table t = aerec::read_ratings(path, f);
  CHECK(rows_of(t) == std::vector<row>{{1, 10, 4.0f}, {2, 20, 3.0f}, {3, 30, 3.0f}});
  CHECK_FALSE(t.has_timestamps());
  // Their span is found all the same (data info shows it).
  REQUIRE(t.times);
  CHECK(t.times->first == 881250900);
  CHECK(t.times->last == 881250999);
  f.keep_timestamps = true;
  const rating_table kept = aerec::read_ratings(path, f);
  REQUIRE(kept.times);
  CHECK(kept.times->first == 881250900);
  CHECK(kept.times->last == 881250999);
  dir.write("none.csv", "userId,movieId,rating\n1,10,4\n");
  CHECK_FALSE(aerec::read_ratings(dir.path() / "none.csv", format_of(rating_format::csv)).times);
  dir.write("bad.data", "1\t10\t4\tsoon\n");
  const auto e = error_from([&] { aerec::read_ratings(dir.path() / "bad.data", f); });
  REQUIRE(e);
  CHECK_THAT(e->what(), Contains("bad.data:1: timestamp 'soon' is not a number"));
}
