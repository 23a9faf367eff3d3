// The real MovieLens sets: readers, detection and splits give their published counts.
#include <catch2/catch.hpp>
#include <cstdlib>

#include "aerec/core/error.h"
#include "aerec/data/data_files.h"
#include "aerec/data/movies.h"
#include "aerec/data/split.h"

using namespace aerec;

namespace {
data_files set(const char* name) {
  return locate_data(std::filesystem::path(std::getenv("MOVIELENS_DIR")) / name);
}
}  // namespace

TEST_CASE("MovieLens-100K u1 has the published shape", "[integration][movielens]") {
  const data_files files = set("ml-100k");
  const dataset d = load_dataset(files, {parse_split("u1"), 0, 1});
  CHECK(d.users.size() == 943);
  CHECK(d.items.size() == 1682);
  CHECK(d.train.nnz() == 80000);
  // Test ratings of movies never rated in u1.base cannot be predicted: left out and counted.
  CHECK(d.test.target.nnz() + d.test.unknown_item + d.test.unknown_user == 20000);
  CHECK(d.test.unknown_user == 0);
  CHECK(d.test.unknown_item > 0);
  const auto movies = read_movies(files.movies);
  REQUIRE(movies.size() == 1682);
  CHECK(movies[0].title == "Toy Story (1995)");
  CHECK(movies[0].year == 1995);
}

TEST_CASE("MovieLens-1M without timestamps: counts and the random 90/10 split", "[integration][movielens]") {
  const data_files files = set("ml-1m");
  CHECK(files.format.kind == rating_format::dat);
  const rating_table table = read_ratings(files.ratings, files.format);
  CHECK(table.size() == 1000209);
  CHECK_FALSE(table.has_timestamps());

  const dataset d = load_dataset(files, {parse_split("random:0.1"), 0.05, 1});
  CHECK(d.users.size() == 6040);
  CHECK(d.items.size() == 3706);
  CHECK(d.scale.min == 1.0f);
  CHECK(d.scale.max == 5.0f);
  const std::size_t test = d.test.target.nnz() + d.test.unknown_user + d.test.unknown_item;
  CHECK(test == 100021);  // round(0.1 * 1,000,209)
  const std::size_t val = d.validation.target.nnz() + d.validation.unknown_user + d.validation.unknown_item;
  CHECK(val == 45009);  // round(0.05 * 900,188)
  CHECK(d.train.nnz() + test + val == 1000209);

  const auto movies = read_movies(files.movies);
  CHECK(movies.size() == 3883);
  // latin-1 in the file, UTF-8 here.
  const auto it = std::find_if(movies.begin(), movies.end(), [](const movie& m) { return m.id == 3021; });
  REQUIRE(it != movies.end());
  CHECK(it->year > 1900);

  CHECK_THROWS_AS(load_dataset(files, {parse_split("time:0.1"), 0, 1}), aerec::error);
}

TEST_CASE("ml-latest-small: half stars from CSV", "[integration][movielens]") {
  const data_files files = set("ml-latest-small");
  CHECK(files.format.kind == rating_format::csv);
  const dataset d = load_dataset(files, {parse_split("time:0.1"), 0, 1});
  CHECK(d.users.size() == 610);
  CHECK(d.items.size() == 9724);
  CHECK(d.scale.min == 0.5f);
  CHECK(d.scale.max == 5.0f);
  CHECK(d.train.nnz() + d.test.target.nnz() + d.test.unknown_user + d.test.unknown_item == 100836);
  CHECK(read_movies(files.movies).size() == 9742);
}
