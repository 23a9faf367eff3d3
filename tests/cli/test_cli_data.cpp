// aerec data info / split / download / list, end to end, on tiny data sets the tests
// write in each format. Downloading itself is tested without a network in
// test_download.cpp; here only what needs none.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>

#include "cli/cli_runner.h"
#include "temp_dir.h"

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace aerec::testing;
using Catch::Matchers::Contains;

namespace {

// A line "label   value" of the human output.
bool has_row(const std::string& out, const std::string& label, const std::string& value) {
  return std::regex_search(out, std::regex("(^|\n)" + label + " +" + value + "\n"));
}

// Writes `files` into dir/name and returns that folder.
fs::path write_folder(const temp_dir& dir, const std::string& name,
                      const std::vector<std::pair<std::string, std::string>>& files) {
  fs::create_directories(dir.path() / name);
  for (const auto& [file, bytes] : files) dir.write(name + "/" + file, bytes);
  return dir.path() / name;
}

result info(const fs::path& path, const std::string& flags = "") {
  return run_aerec("data info " + path.string() + " " + flags);
}

json info_json(const fs::path& path, const std::string& flags = "") {
  const result r = info(path, flags + " --json");
  INFO(r.err);
  REQUIRE(r.code == 0);
  return json::parse(r.out);
}

// MovieLens-100K style. Users 1: items 10, 20; 2: item 10; 3: items 30, 10.
// Items 10: 3 ratings, 20: 1, 30: 1. Ratings 5 3 4 1 5: mean 18 / 5 = 3.6.
fs::path tab_folder(const temp_dir& dir) {
  return write_folder(dir, "ml-tiny",
                      {{"u.data",
                        "1\t10\t5\t881250949\n"
                        "1\t20\t3\t881250950\n"
                        "2\t10\t4\t881250951\n"
                        "3\t30\t1\t881250952\n"
                        "3\t10\t5\t881250953\n"},
                       {"u.item",
                        "10|Movie 10 (1995)|01-Jan-1995||http://x|0|1|0\n"
                        "20|Movie 20 (1996)|01-Jan-1996||http://x|0|0|1\n"
                        "30|Movie 30 (1997)|01-Jan-1997||http://x|1|0|0\n"
                        "40|Movie 40 (1998)|01-Jan-1998||http://x|0|1|1\n"},
                       {"u.genre", "unknown|0\nAction|1\nDrama|2\n"}});
}

}  // namespace

TEST_CASE("data info: a tab folder, as text", "[cli]") {
  temp_dir dir;
  const fs::path folder = tab_folder(dir);
  const result r = info(folder);
  INFO(r.out << r.err);
  REQUIRE(r.code == 0);
  CHECK(has_row(r.out, "name", "ml-tiny"));
  CHECK(has_row(r.out, "file", (folder / "u.data").string()));
  CHECK(has_row(r.out, "format", "tab"));
  CHECK(has_row(r.out, "ratings", "5"));
  CHECK(has_row(r.out, "users", "3"));
  CHECK(has_row(r.out, "items", "3"));
  CHECK(has_row(r.out, "density", "55.5556%"));  // 5 / (3 * 3)
  CHECK(has_row(r.out, "mean rating", "3.6000"));
  // Per user 2, 1, 2; per item 3, 1, 1.
  CHECK(has_row(r.out, "ratings per user", "min 1, median 2, mean 1.7, max 2"));
  CHECK(has_row(r.out, "ratings per item", "min 1, median 1, mean 1.7, max 3"));
  CHECK(has_row(r.out, "timestamps", "1997-12-04 to 1997-12-04 \\(UTC\\)"));
  CHECK(has_row(r.out, "titles", "4"));
  // Histogram rows: value, count, share and a bar as long as the share allows.
  CHECK(std::regex_search(r.out, std::regex("\n +1\\.0 +1 +20\\.0%  #{15}\n")));
  CHECK(std::regex_search(r.out, std::regex("\n +5\\.0 +2 +40\\.0%  #{30}\n")));
  CHECK_FALSE(std::regex_search(r.out, std::regex("\n +2\\.0 ")));
}

TEST_CASE("data info: a tab folder, as JSON", "[cli]") {
  temp_dir dir;
  const fs::path folder = tab_folder(dir);
  const json j = info_json(folder);
  CHECK(j["name"] == "ml-tiny");
  CHECK(j["file"] == (folder / "u.data").string());
  CHECK(j["format"] == "tab");
  CHECK(j["ratings"] == 5);
  CHECK(j["users"] == 3);
  CHECK(j["items"] == 3);
  CHECK(j["density"].get<double>() == Approx(5.0 / 9.0));
  CHECK(j["mean_rating"].get<double>() == Approx(3.6));
  CHECK(j["histogram"] == json::parse(R"([
    {"rating": 1, "count": 1, "percent": 20.0}, {"rating": 3, "count": 1, "percent": 20.0},
    {"rating": 4, "count": 1, "percent": 20.0}, {"rating": 5, "count": 2, "percent": 40.0}])"));
  CHECK(j["ratings_per_user"]["min"] == 1);
  CHECK(j["ratings_per_user"]["median"] == 2.0);
  CHECK(j["ratings_per_user"]["max"] == 2);
  CHECK(j["ratings_per_user"]["mean"].get<double>() == Approx(5.0 / 3.0));
  CHECK(j["ratings_per_item"]["median"] == 1.0);
  CHECK(j["ratings_per_item"]["max"] == 3);
  CHECK(j["timestamps"]["first"] == 881250949);
  CHECK(j["timestamps"]["last"] == 881250953);
  CHECK(j["timestamps"]["first_date"] == "1997-12-04");
  CHECK(j["titles"] == 4);
}

TEST_CASE("data info: a dat folder without timestamps (ML-1M's shared copy)", "[cli]") {
  temp_dir dir;
  // Users 1: items 1, 2, 3; 2: items 1, 2. Ratings 4 5 1 2 3: mean 3.
  const fs::path folder = write_folder(
      dir, "ml-dat",
      {{"ratings-notimestamp.dat", "1::1::4\n1::2::5\n1::3::1\n2::1::2\n2::2::3\n"},
       {"movies.dat", "1::Toy Story (1995)::Animation|Children's|Comedy\n2::Jumanji (1995)::Adventure\n"}});
  const json j = info_json(folder);
  CHECK(j["name"] == "ml-dat");
  CHECK(j["format"] == "dat");
  CHECK(j["ratings"] == 5);
  CHECK(j["users"] == 2);
  CHECK(j["items"] == 3);
  CHECK(j["mean_rating"].get<double>() == Approx(3.0));
  CHECK(j["ratings_per_user"]["median"] == 2.5);  // 2 and 3
  CHECK(j["timestamps"].is_null());
  CHECK(j["titles"] == 2);

  const result r = info(folder);
  REQUIRE(r.code == 0);
  CHECK(has_row(r.out, "ratings per user", "min 2, median 2.5, mean 2.5, max 3"));
  CHECK_THAT(r.out, !Contains("timestamps"));
}

TEST_CASE("data info: a csv folder with half stars and thousands", "[cli]") {
  temp_dir dir;
  // Users 1..1000 rate movie 1 with 4 stars; every fifth also rates movie 2 with 2.5.
  std::string ratings = "userId,movieId,rating,timestamp\n";
  for (int u = 1; u <= 1000; ++u) {
    ratings += std::to_string(u) + ",1,4.0,1136073600\n";
    if (u % 5 == 0) ratings += std::to_string(u) + ",2,2.5,1262304000\n";
  }
  const fs::path folder =
      write_folder(dir, "ml-csv",
                   {{"ratings.csv", ratings},
                    {"movies.csv",
                     "movieId,title,genres\n1,\"Movie, The (2001)\",Drama\n2,Two (2002),Comedy\n"
                     "3,Three (2003),(no genres listed)\n"}});
  const result r = info(folder);
  INFO(r.out << r.err);
  REQUIRE(r.code == 0);
  CHECK(has_row(r.out, "format", "csv"));
  CHECK(has_row(r.out, "ratings", "1,200"));
  CHECK(has_row(r.out, "users", "1,000"));
  CHECK(has_row(r.out, "items", "2"));
  CHECK(has_row(r.out, "density", "60.0000%"));
  CHECK(has_row(r.out, "mean rating", "3.7500"));  // (4000 + 500) / 1200
  CHECK(has_row(r.out, "ratings per user", "min 1, median 1, mean 1.2, max 2"));
  CHECK(has_row(r.out, "ratings per item", "min 200, median 600, mean 600.0, max 1,000"));
  CHECK(has_row(r.out, "timestamps", "2006-01-01 to 2010-01-01 \\(UTC\\)"));
  CHECK(has_row(r.out, "titles", "3"));
  CHECK(std::regex_search(r.out, std::regex("\n +2\\.5 +200 +16\\.7%  #{6}\n")));
  CHECK(std::regex_search(r.out, std::regex("\n +4\\.0 +1,000 +83\\.3%  #{30}\n")));

  const json j = info_json(folder);
  REQUIRE(j["histogram"].size() == 2);
  CHECK(j["histogram"][0]["rating"] == 2.5);
  CHECK(j["histogram"][0]["count"] == 200);
  CHECK(j["histogram"][0]["percent"].get<double>() == Approx(100.0 / 6));
  CHECK(j["histogram"][1]["rating"] == 4.0);
  CHECK(j["histogram"][1]["count"] == 1000);
  CHECK(j["ratings_per_item"]["median"] == 600.0);
}

TEST_CASE("data info: a delimited file named with --format and --delimiter", "[cli]") {
  temp_dir dir;
  const fs::path file = dir.write("scores.txt",
                                  "userId;movieId;rating\n"
                                  "7;100;2\n"
                                  "7;200;4\n"
                                  "8;100;3\n");
  for (const std::string flags : {"--format delimited --delimiter ';'", "--delimiter ';'"}) {
    INFO(flags);
    const json j = info_json(file, flags);
    CHECK(j["name"] == "scores");
    CHECK(j["format"] == "delimited");
    CHECK(j["ratings"] == 3);
    CHECK(j["users"] == 2);
    CHECK(j["items"] == 2);
    CHECK(j["mean_rating"].get<double>() == Approx(3.0));
    CHECK(j["timestamps"].is_null());
    CHECK(j["titles"].is_null());
  }
  // The wrong delimiter is a parse error naming the file and line.
  const result r = info(file, "--format delimited");
  CHECK(r.code == 3);
  CHECK_THAT(r.err, Contains(file.string() + ":"));
}

TEST_CASE("data info: bad input gives a clear error and exit code", "[cli]") {
  temp_dir dir;
  SECTION("a missing folder is exit 4, naming it") {
    const result r = info(dir.path() / "no-such-folder");
    CHECK(r.code == 4);
    CHECK_THAT(r.err, Contains((dir.path() / "no-such-folder").string()));
  }
  SECTION("a folder without ratings is exit 4, naming it") {
    const fs::path folder = write_folder(dir, "empty", {{"README", "nothing here\n"}});
    const result r = info(folder);
    CHECK(r.code == 4);
    CHECK_THAT(r.err, Contains(folder.string()));
  }
  SECTION("a malformed line is exit 3, naming file and line") {
    const fs::path folder =
        write_folder(dir, "bad", {{"u.data", "1\t10\t5\t881250949\n1\tten\t3\t881250950\n"}});
    const result r = info(folder);
    CHECK(r.code == 3);
    CHECK_THAT(r.err, Contains((folder / "u.data").string() + ":2:"));
  }
  SECTION("an unknown format is exit 2, listing the known ones") {
    const result r = info(tab_folder(dir), "--format xml");
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Contains("tab, dat, csv, delimited"));
  }
  SECTION("no path is a usage error") {
    const result r = run_aerec("data info");
    CHECK(r.code == 2);
  }
}

TEST_CASE("data download: an unknown name is exit 2, listing the known ones", "[cli]") {
  temp_dir dir;
  const result r = run_aerec("data download ml-5k --data-home " + dir.path().string());
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Contains("'ml-5k'"));
  CHECK_THAT(r.err, Contains("ml-100k, ml-1m, ml-10m, ml-20m, ml-25m, ml-latest-small"));
  CHECK(fs::is_empty(dir.path()));
}

TEST_CASE("data download: a data set already there is kept, without a network", "[cli]") {
  temp_dir dir;
  fs::create_directories(dir.path() / "ml-1m");
  dir.write("ml-1m/ratings.dat", "1::1::5::978300760\n");
  SECTION("--data-home") {
    const result r = run_aerec("data download ml-1m --data-home " + dir.path().string());
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK(r.out == (dir.path() / "ml-1m").string() + "\n");
    CHECK_THAT(r.err, Contains("already"));
  }
  SECTION("$AEREC_DATA_HOME") {
    const result r = run_aerec("data download ml-1m", "AEREC_DATA_HOME=" + dir.path().string());
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK(r.out == (dir.path() / "ml-1m").string() + "\n");
  }
  CHECK(aerec::testing::read(dir.path() / "ml-1m" / "ratings.dat") == "1::1::5::978300760\n");
}

TEST_CASE("data list: the known data sets and which are in the data home", "[cli]") {
  temp_dir dir;
  fs::create_directories(dir.path() / "ml-100k");
  const result r = run_aerec("data list", "AEREC_DATA_HOME=" + dir.path().string());
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Contains(dir.path().string()));
  CHECK(has_row(r.out, "ml-100k", "yes"));
  for (const char* name : {"ml-1m", "ml-10m", "ml-20m", "ml-25m", "ml-latest-small"})
    CHECK(has_row(r.out, name, "no"));
}

TEST_CASE("data split: the parts train would use, as CSV files in original ids", "[cli]") {
  temp_dir dir;
  // Six users who rated all five movies: every held-out rating stays predictable.
  std::string lines;
  std::vector<std::string> expected;
  for (int u = 1; u <= 6; ++u)
    for (int m = 1; m <= 5; ++m) {
      const std::string rating = std::to_string(1 + (u + m) % 5);
      lines += std::to_string(u) + "\t" + std::to_string(m * 10) + "\t" + rating + "\t881250949\n";
      expected.push_back(std::to_string(u) + "," + std::to_string(m * 10) + "," + rating + "\n");
    }
  const fs::path folder = write_folder(dir, "ml-six", {{"u.data", lines}});
  const auto split = [&](const fs::path& out) {
    return run_aerec("data split --data " + folder.string() + " --split random:0.4 --seed 3 --out " +
                     out.string());
  };
  const fs::path out = dir.path() / "parts";
  const result r = split(out);
  INFO(r.err);
  REQUIRE(r.code == 0);
  // The same flags give the same parts; every rating is in one part, with its ids and value.
  const fs::path again = dir.path() / "again";
  REQUIRE(split(again).code == 0);
  std::string all;
  for (const char* name : {"train.csv", "test-target.csv"}) {
    CHECK_THAT(r.out, Contains((out / name).string()));
    const std::string text = aerec::testing::read(out / name);
    CHECK(text == aerec::testing::read(again / name));
    REQUIRE(text.rfind("user,movie,rating\n", 0) == 0);
    all += text.substr(std::string("user,movie,rating\n").size());
  }
  CHECK(!fs::exists(out / "test-input.csv"));  // a random split's inputs are the training rows
  // Each line is a rating of the file, once; those missing are the ones the note says nothing
  // could predict (a user whose ratings all went to the test part).
  std::size_t found = 0;
  for (const std::string& line : expected) {
    const auto at = all.find(line);
    if (at == std::string::npos) continue;
    ++found;
    CHECK(all.find(line, at + 1) == std::string::npos);
  }
  CHECK(static_cast<std::size_t>(std::count(all.begin(), all.end(), '\n')) == found);
  std::smatch note;
  const std::size_t left_out =
      std::regex_search(r.err, note, std::regex("(\\d+) test ratings left out")) ? std::stoul(note[1]) : 0;
  CHECK(found + left_out == 30);
  CHECK(found > 20);

  const result missing = run_aerec("data split --data " + folder.string() + " --out " + out.string());
  CHECK(missing.code == 2);
  CHECK_THAT(missing.err, Contains("--split"));
}

TEST_CASE("data: a subcommand is required", "[cli]") {
  const result r = run_aerec("data");
  CHECK(r.code == 2);
  const result help = run_aerec("data --help");
  CHECK(help.code == 0);
  CHECK_THAT(help.out, Contains("info") && Contains("download") && Contains("list"));
}
