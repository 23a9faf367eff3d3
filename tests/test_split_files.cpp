// A split's parts written as CSV (aerec data split), for programs outside
// aerec to score exactly the users and ratings aerec holds out.
#include <catch2/catch.hpp>

#include "aerec/data/rating_reader.h"
#include "aerec/data/split.h"
#include "aerec/data/split_files.h"
#include "aerec/io/file_io.h"
#include "temp_dir.h"

using namespace aerec;

namespace {

// `csv` (MovieLens' CSV layout) written to dir and loaded with `split`.
dataset load_csv(const aerec::testing::temp_dir& dir, const std::string& csv, const std::string& split) {
  const auto file = dir.path() / "ratings.csv";
  write_file_atomic(file, "userId,movieId,rating,timestamp\n" + csv);
  data_files files;
  files.ratings = file;
  files.format = default_format(rating_format::csv);
  return load_dataset(files, {parse_split(split), 0, 1});
}

}  // namespace

TEST_CASE("a split's parts are written as CSV in original ids", "[data]") {
  aerec::testing::temp_dir dir;
  const dataset d = load_csv(dir,
                             "1,10,4,1\n1,20,3.5,2\n1,30,5,3\n1,40,2,4\n1,50,1,5\n"
                             "2,10,5,1\n2,20,4,2\n2,30,3,3\n2,40,4.5,4\n2,50,2,5\n"
                             "3,10,1,1\n3,20,2,2\n3,30,3,3\n3,40,4,4\n3,50,5,5\n",
                             "users:0.34");
  const auto written = write_split_files(d, dir.path() / "split");
  REQUIRE(written == std::vector<std::string>{"train.csv", "test-target.csv", "test-input.csv"});
  // Every rating lands in exactly one part, with its ids and value.
  std::string all;
  for (const auto& name : written) {
    const std::string text = read_file(dir.path() / "split" / name);
    REQUIRE(text.rfind("user,movie,rating\n", 0) == 0);
    all += text.substr(std::string("user,movie,rating\n").size());
  }
  std::size_t lines = 0;
  for (const char c : all) lines += c == '\n';
  REQUIRE(lines == 15);
  REQUIRE(all.find("1,20,3.5\n") != std::string::npos);
  REQUIRE(all.find("2,40,4.5\n") != std::string::npos);
}

TEST_CASE("the split last's parts keep each user's time order in a column of their own", "[data]") {
  aerec::testing::temp_dir dir;
  // User 1 watched 50, 10, 40, 20, 30 (in that order); user 2 20, 30, 10 (a tie, broken by movie
  // id); user 3 10, 20, 30, 40, 50, so that every held-out movie has a training rating.
  const dataset d = load_csv(dir,
                             "1,10,4,2\n1,20,3.5,4\n1,30,5,5\n1,40,2,3\n1,50,1,1\n"
                             "2,10,5,9\n2,20,4,8\n2,30,3,8\n"
                             "3,10,1,1\n3,20,2,2\n3,30,3,3\n3,40,4,4\n3,50,5,5\n",
                             "last");
  const auto split = dir.path() / "split";
  const auto written = write_split_files(d, split);
  REQUIRE(written == std::vector<std::string>{"train.csv", "test-target.csv", "test-input.csv",
                                              "validation-target.csv"});
  CHECK(read_file(split / "train.csv") ==
        "user,movie,rating,order\n1,50,1,1\n1,10,4,2\n1,40,2,3\n2,20,4,1\n3,10,1,1\n3,20,2,2\n3,30,3,3\n");
  CHECK(read_file(split / "validation-target.csv") ==
        "user,movie,rating,order\n1,20,3.5,4\n2,30,3,2\n3,40,4,4\n");
  CHECK(read_file(split / "test-target.csv") == "user,movie,rating,order\n1,30,5,5\n2,10,5,3\n3,50,5,5\n");
  CHECK(read_file(split / "test-input.csv") ==
        "user,movie,rating,order\n1,50,1,1\n1,10,4,2\n1,40,2,3\n1,20,3.5,4\n2,20,4,1\n2,30,3,2\n"
        "3,10,1,1\n3,20,2,2\n3,30,3,3\n3,40,4,4\n");
}

TEST_CASE("a held-out movie of the split last keeps its place when the other one is left out", "[data]") {
  aerec::testing::temp_dir dir;
  // User 2's validation movie (50) has no training rating and is left out; its test movie (10)
  // still comes third. User 1's test movie (40) is left out too.
  const dataset d = load_csv(dir,
                             "1,10,4,1\n1,30,3,2\n1,20,2,3\n1,40,1,4\n"
                             "2,20,4,7\n2,50,3,8\n2,10,5,9\n",
                             "last");
  const auto split = dir.path() / "split";
  write_split_files(d, split);
  CHECK(read_file(split / "validation-target.csv") == "user,movie,rating,order\n1,20,2,3\n");
  CHECK(read_file(split / "test-target.csv") == "user,movie,rating,order\n2,10,5,3\n");
}
