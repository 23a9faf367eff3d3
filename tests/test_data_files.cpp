#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "aerec/core/error.h"
#include "aerec/data/data_files.h"
#include "expect_error.h"
#include "temp_dir.h"

using aerec::data_files;
using aerec::rating_format;
using aerec::testing::code_name;
using aerec::testing::error_from;
using aerec::testing::temp_dir;
using Catch::Matchers::Contains;

namespace fs = std::filesystem;

namespace {

// Creates `folder` inside `dir` holding empty files of the given names.
fs::path make_folder(const temp_dir& dir, const std::string& folder,
                     std::initializer_list<const char*> files) {
  fs::create_directories(dir.path() / folder);
  for (const char* name : files) dir.write(folder + "/" + name, "");
  return dir.path() / folder;
}

}  // namespace

TEST_CASE("locate_data: a MovieLens-100K folder", "[data_files]") {
  temp_dir dir;
  const auto folder = make_folder(dir, "ml-100k", {"u.data", "u.item", "u.genre", "u1.base", "u1.test"});
  const data_files f = aerec::locate_data(folder);
  CHECK(f.name == "ml-100k");
  CHECK(f.ratings == folder / "u.data");
  CHECK(f.format.kind == rating_format::tab);
  CHECK(f.format.delimiter == "\t");
  CHECK(f.movies == folder / "u.item");
  CHECK(f.folds_dir == folder);
  // A trailing separator names the same folder.
  CHECK(aerec::locate_data(folder.string() + "/").name == "ml-100k");
}

TEST_CASE("locate_data: ML-1M folders, with and without timestamps", "[data_files]") {
  temp_dir dir;
  const auto full = make_folder(dir, "ml-1m", {"ratings.dat", "movies.dat", "users.dat"});
  const data_files a = aerec::locate_data(full);
  CHECK(a.name == "ml-1m");
  CHECK(a.ratings == full / "ratings.dat");
  CHECK(a.format.kind == rating_format::dat);
  CHECK(a.format.delimiter == "::");
  CHECK(a.movies == full / "movies.dat");
  CHECK(a.folds_dir.empty());

  const auto stripped = make_folder(dir, "ml-1m-copy", {"ratings-notimestamp.dat", "movies.dat"});
  const data_files b = aerec::locate_data(stripped);
  CHECK(b.ratings == stripped / "ratings-notimestamp.dat");
  CHECK(b.format.kind == rating_format::dat);
}

TEST_CASE("locate_data: a CSV folder without movies", "[data_files]") {
  temp_dir dir;
  const auto folder = make_folder(dir, "ml-latest-small", {"ratings.csv", "tags.csv"});
  const data_files f = aerec::locate_data(folder);
  CHECK(f.name == "ml-latest-small");
  CHECK(f.ratings == folder / "ratings.csv");
  CHECK(f.format.kind == rating_format::csv);
  CHECK(f.format.header);
  CHECK(f.format.valid.min == 0.5f);
  CHECK(f.movies.empty());
  CHECK(f.folds_dir.empty());
}

TEST_CASE("locate_data: u.data comes first when a folder holds several", "[data_files]") {
  temp_dir dir;
  const auto folder = make_folder(dir, "mixed", {"ratings.csv", "ratings.dat", "u.data"});
  CHECK(aerec::locate_data(folder).ratings == folder / "u.data");
  fs::remove(folder / "u.data");
  CHECK(aerec::locate_data(folder).ratings == folder / "ratings.dat");
}

TEST_CASE("locate_data: a ratings file itself", "[data_files]") {
  temp_dir dir;
  const auto csv = dir.write("my-ratings.csv", "");
  dir.write("movies.csv", "");
  const data_files a = aerec::locate_data(csv);
  CHECK(a.name == "my-ratings");
  CHECK(a.ratings == csv);
  CHECK(a.format.kind == rating_format::csv);
  CHECK(a.movies == dir.path() / "movies.csv");

  const auto dat = dir.write("r.dat", "");
  CHECK(aerec::locate_data(dat).format.kind == rating_format::dat);

  // u.data given directly still finds the folds beside it.
  const auto folder = make_folder(dir, "ml-100k", {"u.data", "u1.base"});
  const data_files b = aerec::locate_data(folder / "u.data");
  CHECK(b.format.kind == rating_format::tab);
  CHECK(b.folds_dir == folder);
  CHECK(b.movies.empty());
}

TEST_CASE("locate_data: a given format overrides detection", "[data_files]") {
  temp_dir dir;
  aerec::format_spec semicolons = aerec::default_format(rating_format::delimited);
  semicolons.delimiter = ";";
  const auto txt = dir.write("ratings.txt", "");
  const data_files a = aerec::locate_data(txt, semicolons);
  CHECK(a.format.kind == rating_format::delimited);
  CHECK(a.format.delimiter == ";");

  const auto folder = make_folder(dir, "odd", {"ratings.csv"});
  const data_files b = aerec::locate_data(folder, semicolons);
  CHECK(b.ratings == folder / "ratings.csv");
  CHECK(b.format.delimiter == ";");

  const auto e = error_from([&] { aerec::locate_data(txt); });
  REQUIRE(e);
  CHECK(code_name(*e) == "invalid_argument");
  CHECK_THAT(e->what(), Contains("ratings.txt") && Contains("cannot tell the rating format"));
}

TEST_CASE("locate_data: no ratings is an io_error naming what was expected", "[data_files]") {
  temp_dir dir;
  const auto folder = make_folder(dir, "empty", {"movies.csv", "u.item"});
  const auto e = error_from([&] { aerec::locate_data(folder); });
  REQUIRE(e);
  CHECK(code_name(*e) == "io_error");
  CHECK_THAT(e->what(), Contains(folder.string()) &&
                            Contains("u.data, ratings.dat, ratings-notimestamp.dat or ratings.csv"));

  const auto missing = dir.path() / "nowhere";
  const auto m = error_from([&] { aerec::locate_data(missing); });
  REQUIRE(m);
  CHECK(code_name(*m) == "io_error");
  CHECK_THAT(m->what(), Contains(missing.string()) && Contains("not found"));
}
