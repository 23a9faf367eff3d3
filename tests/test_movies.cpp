#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "aerec/core/error.h"
#include "aerec/data/movies.h"
#include "expect_error.h"
#include "temp_dir.h"

using aerec::movie;
using aerec::testing::code_name;
using aerec::testing::error_from;
using aerec::testing::temp_dir;
using Catch::Matchers::Contains;

namespace {

using strings = std::vector<std::string>;

// Reads `content` as `name` and returns the message of the parse_error it must raise.
std::string parse_error_of(const temp_dir& dir, const std::string& name, const std::string& content) {
  const auto path = dir.write(name, content);
  const auto e = error_from([&] { aerec::read_movies(path); });
  REQUIRE(e);
  CHECK(code_name(*e) == "parse_error");
  return e->what();
}

constexpr const char* u_genre = "unknown|0\nAction|1\nChildren's|2\nComedy|3\n\n";

}  // namespace

TEST_CASE("u.item: titles from latin-1, genres named by u.genre, years", "[movies]") {
  temp_dir dir;
  dir.write("u.genre", u_genre);
  const auto path = dir.write("u.item",
                              "1|Toy Story (1995)|01-Jan-1995||http://x|0|0|1|1\n"
                              "2|Mis\xE9rables, Les (1995)|01-Jan-1995||http://y|0|1|0|0\r\n"
                              "\n"
                              "267|unknown||||1|0|0|0\n");
  const std::vector<movie> m = aerec::read_movies(path);
  REQUIRE(m.size() == 3);
  CHECK(m[0].id == 1);
  CHECK(m[0].title == "Toy Story (1995)");
  CHECK(m[0].year == 1995);
  CHECK(m[0].genres == strings{"Children's", "Comedy"});
  CHECK(m[1].title == "Mis\xC3\xA9rables, Les (1995)");  // é in UTF-8
  CHECK(m[1].genres == strings{"Action"});
  CHECK(m[2].id == 267);
  CHECK(m[2].year == 0);
  CHECK(m[2].genres == strings{"unknown"});
}

TEST_CASE("u.item: malformed lines and a missing u.genre", "[movies]") {
  temp_dir dir;
  dir.write("u.genre", u_genre);
  CHECK_THAT(parse_error_of(dir, "u.item", "1|A (1995)|||x|0|0|1|1\n2|B (1995)|||x|0|0|1\n"),
             Contains("u.item:2: expected 9 '|'-separated fields, found 8"));
  CHECK_THAT(parse_error_of(dir, "u.item", "one|A (1995)|||x|0|0|1|1\n"),
             Contains("u.item:1: movie id 'one' is not a number"));
  CHECK_THAT(parse_error_of(dir, "u.item", "1|A (1995)|||x|0|2|1|1\n"),
             Contains("u.item:1: genre flag '2' for 'Action' is not 0 or 1"));
  dir.write("u.genre", "Action|0\nComedy|2\n");
  CHECK_THAT(parse_error_of(dir, "u.item", "1|A (1995)|||x|0|1\n"), Contains("u.genre:2: expected 'name|1'"));

  temp_dir bare;
  const auto item = bare.write("u.item", "1|A (1995)|||x\n");
  const auto e = error_from([&] { aerec::read_movies(item); });
  REQUIRE(e);
  CHECK(code_name(*e) == "io_error");
  CHECK_THAT(e->what(), Contains("u.genre"));
}

TEST_CASE("movies.dat: latin-1 or UTF-8, genres split on '|'", "[movies]") {
  temp_dir dir;
  const auto latin = dir.write("movies.dat",
                               "1::Toy Story (1995)::Animation|Children's|Comedy\n"
                               "73::Mis\xE9rables, Les (1995)::Drama|Musical\n");
  const std::vector<movie> a = aerec::read_movies(latin);
  REQUIRE(a.size() == 2);
  CHECK(a[0].genres == strings{"Animation", "Children's", "Comedy"});
  CHECK(a[1].id == 73);
  CHECK(a[1].title == "Mis\xC3\xA9rables, Les (1995)");
  CHECK(a[1].year == 1995);
  CHECK(a[1].genres == strings{"Drama", "Musical"});

  // Valid UTF-8 is kept as it is (not converted twice).
  const auto utf8 = dir.write("movies.dat", "5::Am\xC3\xA9lie (2001)::(no genres listed)\n");
  const std::vector<movie> b = aerec::read_movies(utf8);
  REQUIRE(b.size() == 1);
  CHECK(b[0].title == "Am\xC3\xA9lie (2001)");
  CHECK(b[0].year == 2001);
  CHECK(b[0].genres.empty());

  CHECK_THAT(parse_error_of(dir, "movies.dat", "1::A (1995)::Drama\n\n2::B (1995)\n"),
             Contains("movies.dat:3: expected 3 '::'-separated fields, found 2"));
}

TEST_CASE("movies.csv: quoted titles, no genres, years", "[movies]") {
  temp_dir dir;
  const auto path = dir.write("movies.csv",
                              "\xEF\xBB\xBFmovieId,title,genres\r\n"
                              "1,Toy Story (1995),Adventure|Animation|Children\r\n"
                              "11,\"American President, The (1995)\",Comedy|Drama|Romance\r\n"
                              "7789,\"11'09\"\"01 - September 11 (2002)\",Drama\n"
                              "149352,Daddy's Home 2 (2017) ,Comedy\n"
                              "171749,Death Note: Desu n\xC3\xB4to (2006\xE2\x80\x93"
                              "2007),(no genres listed)\n"
                              "40697,Babylon 5,Sci-Fi\n"
                              "5,\"\",\n");
  const std::vector<movie> m = aerec::read_movies(path);
  REQUIRE(m.size() == 7);
  CHECK(m[0].title == "Toy Story (1995)");
  CHECK(m[0].genres == strings{"Adventure", "Animation", "Children"});
  CHECK(m[1].id == 11);
  CHECK(m[1].title == "American President, The (1995)");
  CHECK(m[1].year == 1995);
  CHECK(m[1].genres == strings{"Comedy", "Drama", "Romance"});
  CHECK(m[2].title == "11'09\"01 - September 11 (2002)");
  CHECK(m[2].year == 2002);
  CHECK(m[3].year == 2017);  // trailing space ignored
  CHECK(m[4].title ==
        "Death Note: Desu n\xC3\xB4to (2006\xE2\x80\x93"
        "2007)");
  CHECK(m[4].year == 0);  // a range is not a year
  CHECK(m[4].genres.empty());
  CHECK(m[5].year == 0);
  CHECK(m[6].title.empty());
  CHECK(m[6].genres.empty());
}

TEST_CASE("movies.csv: malformed lines name file, line and reason", "[movies]") {
  temp_dir dir;
  const std::string header = "movieId,title,genres\n";
  CHECK_THAT(parse_error_of(dir, "movies.csv", "id,title,genres\n1,A,B\n"),
             Contains("movies.csv:1: expected the header 'movieId,title,genres'"));
  CHECK_THAT(parse_error_of(dir, "movies.csv", header + "1,\"A, (1995),Drama\n"),
             Contains("movies.csv:2: a quoted field has no closing quote"));
  CHECK_THAT(parse_error_of(dir, "movies.csv", header + "1,\"A\"x,Drama\n"),
             Contains("movies.csv:2: text after a quoted field's closing quote"));
  CHECK_THAT(parse_error_of(dir, "movies.csv", header + "1,A \"B\",Drama\n"),
             Contains("movies.csv:2: a quote inside a field that does not start with one"));
  CHECK_THAT(parse_error_of(dir, "movies.csv", header + "\n1,A, B (1995),Drama\n"),
             Contains("movies.csv:3: expected 3 ','-separated fields, found 4"));
  CHECK_THAT(parse_error_of(dir, "movies.csv", header + "-1,A,Drama\n"),
             Contains("movies.csv:2: movie id '-1' is not a number"));
}

TEST_CASE("read_movies: unknown names and missing files", "[movies]") {
  temp_dir dir;
  const auto txt = dir.write("titles.txt", "");
  const auto e = error_from([&] { aerec::read_movies(txt); });
  REQUIRE(e);
  CHECK(code_name(*e) == "invalid_argument");
  CHECK_THAT(e->what(), Contains("titles.txt") && Contains("u.item, movies.dat, movies.csv"));

  const auto missing = dir.path() / "movies.csv";
  const auto m = error_from([&] { aerec::read_movies(missing); });
  REQUIRE(m);
  CHECK(code_name(*m) == "io_error");
  CHECK_THAT(m->what(), Contains(missing.string()));
}

// Found by fuzzing (fuzz/regressions/movies_dat, movies_csv): "Drama||War", a
// trailing '|' or an unnamed u.genre entry made a genre without a name.
TEST_CASE("movies: a genre without a name is refused", "[movies][fuzz]") {
  temp_dir dir;
  CHECK_THAT(parse_error_of(dir, "movies.dat", "1::A (1995)::Drama|\n"),
             Contains("movies.dat:1: genres 'Drama|' name an empty genre"));
  CHECK_THAT(parse_error_of(dir, "movies.csv", "movieId,title,genres\n3,B (2010),(||||no genres listed)\n"),
             Contains("movies.csv:2: genres '(||||no genres listed)' name an empty genre"));
  dir.write("u.genre", "unknown|0\n|1\n");
  CHECK_THAT(parse_error_of(dir, "u.item", "1|A (1995)|||x|0|1\n"), Contains("u.genre:2: expected 'name|1'"));
  // The same from bytes, as the fuzz targets read them.
  const auto e = error_from(
      [] { aerec::parse_movies("1::A (1995)::Drama||War\n", aerec::movie_format::dat, "movies.dat"); });
  REQUIRE(e);
  CHECK(code_name(*e) == "parse_error");
  CHECK_THAT(e->what(), Contains("movies.dat:1: genres 'Drama||War' name an empty genre"));
}
