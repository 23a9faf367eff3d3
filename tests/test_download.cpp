// Downloading without a network: libcurl fetches file:// URLs, so each test
// points a dataset_source at a zip it made itself.
#include <zip.h>

#include <catch2/catch.hpp>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "aerec/core/error.h"
#include "aerec/data/data_source.h"
#include "aerec/data/download.h"
#include "expect_error.h"
#include "scoped_env.h"
#include "temp_dir.h"

namespace fs = std::filesystem;
using aerec::testing::code_name;
using aerec::testing::error_from;
using aerec::testing::scoped_env;
using aerec::testing::temp_dir;
using Catch::Matchers::Contains;

namespace {

using entries = std::vector<std::pair<std::string, std::string>>;

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

void overwrite(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

// Writes a zip of (name, contents) entries; names ending in "/" are folders.
void write_zip(const fs::path& path, const entries& content) {
  int code = 0;
  zip_t* archive = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &code);
  REQUIRE(archive);
  for (const auto& [name, bytes] : content) {
    if (name.back() == '/') {
      REQUIRE(zip_dir_add(archive, name.c_str(), ZIP_FL_ENC_UTF_8) >= 0);
      continue;
    }
    zip_source_t* source = zip_source_buffer(archive, bytes.data(), bytes.size(), 0);
    REQUIRE(source);
    REQUIRE(zip_file_add(archive, name.c_str(), source, ZIP_FL_ENC_UTF_8) >= 0);
  }
  REQUIRE(zip_close(archive) == 0);
}

const entries good_archive = {{"ml-test/", ""},
                              {"ml-test/ratings.csv", "userId,movieId,rating,timestamp\n1,2,3.5,4\n"},
                              {"ml-test/docs/README.txt", "hello\n"}};

// Every name in `dir`, hidden ones included.
std::set<std::string> names_in(const fs::path& dir) {
  std::set<std::string> out;
  if (!fs::exists(dir)) return out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    out.insert(fs::relative(e.path(), dir).string());
  return out;
}

// A data_home and a zip outside it, served as file://.
struct fixture {
  temp_dir dir;
  fs::path home = dir.path() / "cache" / "aerec";
  fs::path zip = dir.path() / "ml-test.zip";

  aerec::dataset_source source(const std::string& md5) const {
    return {"ml-test", "file://" + zip.string(), md5, "ml-test"};
  }
  aerec::dataset_source true_source() const { return source(aerec::md5_file(zip)); }
};

}  // namespace

TEST_CASE("md5_file: the RFC 1321 test suite and block-boundary lengths", "[download]") {
  temp_dir dir;
  // RFC 1321, appendix A.5.
  const std::vector<std::pair<std::string, std::string>> rfc = {
      {"", "d41d8cd98f00b204e9800998ecf8427e"},
      {"a", "0cc175b9c0f1b6a831c399e269772661"},
      {"abc", "900150983cd24fb0d6963f7d28e17f72"},
      {"message digest", "f96b697d7cb7938d525a2f31aaf161d0"},
      {"abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"},
      {"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"},
      {"12345678901234567890123456789012345678901234567890123456789012345678901234567890",
       "57edf4a22be3c955ac49da2e2107b67a"}};
  for (const auto& [text, digest] : rfc) {
    INFO("'" << text << "'");
    CHECK(aerec::md5_file(dir.write("v", text)) == digest);
  }
  // Lengths around the 56- and 64-byte padding edges, and a file read in
  // several blocks; digests from Python's hashlib.md5.
  const std::vector<std::pair<std::size_t, std::string>> runs = {
      {55, "ef1772b6dff9a122358552954ad0df65"}, {56, "3b0c8ac703f828b04c6c197006d17218"},
      {63, "b06521f39153d618550606be297466d5"}, {64, "014842d480b571495a4a0363793f7367"},
      {65, "c743a45e0d2e6a95cb859adae0248435"}, {1000000, "7707d6ae4e027c70eea2a935c2296f21"}};
  for (const auto& [length, digest] : runs) {
    INFO(length << " times 'a'");
    CHECK(aerec::md5_file(dir.write("v", std::string(length, 'a'))) == digest);
  }
}

TEST_CASE("md5_file: a missing file is an io_error naming it", "[download]") {
  temp_dir dir;
  const auto e = error_from([&] { aerec::md5_file(dir.path() / "absent.zip"); });
  REQUIRE(e);
  CHECK(code_name(*e) == "io_error");
  CHECK_THAT(e->what(), Contains("absent.zip"));
}

TEST_CASE("download_dataset: fetches, verifies and unpacks into data_home/name", "[download]") {
  fixture f;
  write_zip(f.zip, good_archive);
  std::uint64_t last_now = 0, last_total = 0;
  int calls = 0;
  const fs::path folder =
      aerec::download_dataset(f.true_source(), f.home, [&](std::uint64_t now, std::uint64_t total) {
        ++calls;
        last_now = now;
        last_total = total;
      });
  CHECK(folder == f.home / "ml-test");
  CHECK(read(folder / "ratings.csv") == "userId,movieId,rating,timestamp\n1,2,3.5,4\n");
  CHECK(read(folder / "docs" / "README.txt") == "hello\n");
  // Nothing else: no archive, no temporary folder.
  CHECK(names_in(f.home) ==
        std::set<std::string>{"ml-test", "ml-test/ratings.csv", "ml-test/docs", "ml-test/docs/README.txt"});
  CHECK(calls > 0);
  CHECK(last_now == fs::file_size(f.zip));
  CHECK(last_total == fs::file_size(f.zip));
}

TEST_CASE("download_dataset: an existing folder is kept unless forced", "[download]") {
  fixture f;
  write_zip(f.zip, good_archive);
  aerec::download_dataset(f.true_source(), f.home);

  // Without force, nothing is fetched: even a wrong checksum goes unnoticed.
  const auto wrong = f.source(std::string(32, '0'));
  CHECK(aerec::download_dataset(wrong, f.home) == f.home / "ml-test");

  // With force and a failing download, the old folder stays as it was.
  const auto e = error_from([&] { aerec::download_dataset(wrong, f.home, {}, true); });
  REQUIRE(e);
  CHECK(names_in(f.home).size() == 4);
  CHECK(read(f.home / "ml-test" / "docs" / "README.txt") == "hello\n");

  // With force and a good download, the new contents replace the old.
  write_zip(f.zip, {{"ml-test/ratings.csv", "new\n"}});
  aerec::download_dataset(f.true_source(), f.home, {}, true);
  CHECK(names_in(f.home) == std::set<std::string>{"ml-test", "ml-test/ratings.csv"});
  CHECK(read(f.home / "ml-test" / "ratings.csv") == "new\n");
}

TEST_CASE("download_dataset: a checksum mismatch says both sums and leaves nothing", "[download]") {
  fixture f;
  write_zip(f.zip, good_archive);
  const std::string expected(32, 'a');
  const auto e = error_from([&] { aerec::download_dataset(f.source(expected), f.home); });
  REQUIRE(e);
  CHECK(code_name(*e) == "io_error");
  CHECK_THAT(e->what(), Contains("checksum mismatch for file://" + f.zip.string() + ": expected " + expected +
                                 ", got " + aerec::md5_file(f.zip)));
  CHECK_THAT(e->what(), Contains("run the command again"));
  CHECK(fs::exists(f.home));
  CHECK(names_in(f.home).empty());
}

TEST_CASE("download_dataset: an unreachable host is a network error, leaving nothing", "[download]") {
  fixture f;
  // Port 9 (discard) on the loopback: refused at once, whatever the network.
  const aerec::dataset_source source{"ml-test", "http://127.0.0.1:9/x.zip", std::string(32, '0'), "ml-test"};
  const auto e = error_from([&] { aerec::download_dataset(source, f.home); });
  REQUIRE(e);
  CHECK(code_name(*e) == "io_error");
  CHECK_THAT(e->what(), Contains("cannot reach 127.0.0.1 (no network?): "));
  CHECK(names_in(f.home).empty());
}

TEST_CASE("download_dataset: a missing file:// archive is an io_error naming it", "[download]") {
  fixture f;
  const auto e = error_from([&] { aerec::download_dataset(f.source(std::string(32, '0')), f.home); });
  REQUIRE(e);
  CHECK(code_name(*e) == "io_error");
  CHECK_THAT(e->what(), Contains("cannot download file://" + f.zip.string()));
  CHECK(names_in(f.home).empty());
}

TEST_CASE("download_dataset: a damaged archive with the right checksum is named, leaving nothing",
          "[download]") {
  fixture f;
  SECTION("not a zip at all") { overwrite(f.zip, "these bytes are not a zip archive\n"); }
  SECTION("a zip cut short") {
    write_zip(f.zip, good_archive);
    const std::string bytes = read(f.zip);
    overwrite(f.zip, bytes.substr(0, bytes.size() / 2));
  }
  SECTION("a zip whose stored data was altered") {
    // Stored (uncompressed) entries hold their bytes verbatim: flipping one
    // leaves the zip readable but breaks the entry's CRC.
    int code = 0;
    zip_t* archive = zip_open(f.zip.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &code);
    REQUIRE(archive);
    const std::string text(1000, 'x');
    zip_source_t* source = zip_source_buffer(archive, text.data(), text.size(), 0);
    const zip_int64_t index = zip_file_add(archive, "ml-test/ratings.csv", source, 0);
    REQUIRE(index >= 0);
    REQUIRE(zip_set_file_compression(archive, static_cast<zip_uint64_t>(index), ZIP_CM_STORE, 0) == 0);
    REQUIRE(zip_close(archive) == 0);
    std::string bytes = read(f.zip);
    const std::size_t at = bytes.find(std::string(100, 'x'));
    REQUIRE(at != std::string::npos);
    bytes[at + 50] = 'y';
    overwrite(f.zip, bytes);
  }
  const auto e = error_from([&] { aerec::download_dataset(f.true_source(), f.home); });
  REQUIRE(e);
  CHECK(code_name(*e) == "io_error");
  CHECK_THAT(e->what(), Contains("the archive downloaded from file://" + f.zip.string() + " is damaged"));
  CHECK(names_in(f.home).empty());
}

TEST_CASE("download_dataset: entries that would land outside the folder are refused", "[download]") {
  fixture f;
  std::string entry;
  SECTION("a parent step") { entry = "../evil"; }
  SECTION("a parent step inside the folder") { entry = "ml-test/../../evil"; }
  SECTION("an absolute path") { entry = "/tmp/evil"; }
  SECTION("a backslash parent step") { entry = "ml-test\\..\\..\\evil"; }
  write_zip(f.zip, {{"ml-test/ratings.csv", "1,2,3,4\n"}, {entry, "gotcha\n"}});
  const auto e = error_from([&] { aerec::download_dataset(f.true_source(), f.home); });
  REQUIRE(e);
  CHECK(code_name(*e) == "io_error");
  CHECK_THAT(e->what(), Contains("unsafe entry '" + entry + "'"));
  CHECK(names_in(f.home).empty());
  CHECK_FALSE(fs::exists(f.home.parent_path() / "evil"));
  CHECK_FALSE(fs::exists(f.dir.path() / "evil"));
}

TEST_CASE("download_dataset: an archive without the expected top folder is refused", "[download]") {
  fixture f;
  write_zip(f.zip, {{"other/ratings.csv", "1,2,3,4\n"}});
  const auto e = error_from([&] { aerec::download_dataset(f.true_source(), f.home); });
  REQUIRE(e);
  CHECK_THAT(e->what(), Contains("no folder ml-test/"));
  CHECK(names_in(f.home).empty());
}

TEST_CASE("download_dataset: without a pinned MD5, the one published beside the archive applies",
          "[download]") {
  fixture f;
  write_zip(f.zip, good_archive);
  const fs::path published = f.zip.string() + ".md5";
  SECTION("it matches") {
    // GroupLens's format; upper case is accepted too.
    std::string md5 = aerec::md5_file(f.zip);
    for (char& c : md5) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    overwrite(published, "MD5 (ml-test.zip) = " + md5 + "\n");
    CHECK(aerec::download_dataset(f.source(""), f.home) == f.home / "ml-test");
    CHECK(read(f.home / "ml-test" / "docs" / "README.txt") == "hello\n");
  }
  SECTION("it differs") {
    overwrite(published, "MD5 (ml-test.zip) = " + std::string(32, 'b') + "\n");
    const auto e = error_from([&] { aerec::download_dataset(f.source(""), f.home); });
    REQUIRE(e);
    CHECK_THAT(e->what(), Contains("checksum mismatch for file://" + f.zip.string() + ": expected " +
                                   std::string(32, 'b')));
    CHECK(names_in(f.home).empty());
  }
  SECTION("it holds no checksum") {
    overwrite(published, "<html>Not Found</html>\n");
    const auto e = error_from([&] { aerec::download_dataset(f.source(""), f.home); });
    REQUIRE(e);
    CHECK(code_name(*e) == "io_error");
    CHECK_THAT(e->what(), Contains("no MD5 checksum in file://" + published.string()));
    CHECK(names_in(f.home).empty());
  }
  SECTION("it is missing") {
    const auto e = error_from([&] { aerec::download_dataset(f.source(""), f.home); });
    REQUIRE(e);
    CHECK_THAT(e->what(), Contains("cannot download file://" + published.string()));
    CHECK(names_in(f.home).empty());
  }
}

TEST_CASE("download_dataset: the folder is renamed after the data set", "[download]") {
  // ML-10M unpacks to ml-10M100K; the result is still data_home/ml-10m.
  fixture f;
  write_zip(f.zip, {{"ml-10M100K/ratings.dat", "1::2::3::4\n"}});
  const aerec::dataset_source source{"ml-10m", "file://" + f.zip.string(), aerec::md5_file(f.zip),
                                     "ml-10M100K"};
  CHECK(aerec::download_dataset(source, f.home) == f.home / "ml-10m");
  CHECK(names_in(f.home) == std::set<std::string>{"ml-10m", "ml-10m/ratings.dat"});
}

TEST_CASE("movielens_sources: the GroupLens archives with their checksums and folders", "[download]") {
  const std::regex md5_hex("[0-9a-f]{32}");
  std::vector<std::string> names;
  for (const aerec::dataset_source& s : aerec::movielens_sources()) {
    INFO(s.name);
    names.push_back(s.name);
    CHECK(s.url == "https://files.grouplens.org/datasets/movielens/" + s.name + ".zip");
    // ml-latest-small changes: its checksum is read from GroupLens at download time.
    if (s.name == "ml-latest-small")
      CHECK(s.md5.empty());
    else
      CHECK(std::regex_match(s.md5, md5_hex));
  }
  CHECK(names ==
        std::vector<std::string>{"ml-100k", "ml-1m", "ml-10m", "ml-20m", "ml-25m", "ml-latest-small"});
  CHECK(aerec::movielens_source("ml-1m").md5 == "c4d9eecfca2ab87c1945afe126590906");
  CHECK(aerec::movielens_source("ml-10m").folder == "ml-10M100K");
  CHECK(aerec::movielens_source("ml-latest-small").folder == "ml-latest-small");
}

TEST_CASE("movielens_source: an unknown name lists the known ones", "[download]") {
  const auto e = error_from([] { aerec::movielens_source("nope"); });
  REQUIRE(e);
  CHECK(code_name(*e) == "invalid_argument");
  CHECK_THAT(e->what(), Contains("'nope'"));
  CHECK_THAT(e->what(), Contains("ml-100k, ml-1m, ml-10m, ml-20m, ml-25m, ml-latest-small"));
}

TEST_CASE("default_data_home: AEREC_DATA_HOME, else XDG_CACHE_HOME/aerec, else ~/.cache/aerec",
          "[download]") {
  const scoped_env home("HOME", "/home/someone");
  {
    const scoped_env aerec_home("AEREC_DATA_HOME", "/data/movielens");
    const scoped_env xdg("XDG_CACHE_HOME", "/xdg");
    CHECK(aerec::default_data_home() == fs::path("/data/movielens"));
  }
  {
    const scoped_env aerec_home("AEREC_DATA_HOME", "");  // empty counts as unset
    const scoped_env xdg("XDG_CACHE_HOME", "/xdg");
    CHECK(aerec::default_data_home() == fs::path("/xdg/aerec"));
  }
  {
    const scoped_env aerec_home("AEREC_DATA_HOME", nullptr);
    const scoped_env xdg("XDG_CACHE_HOME", nullptr);
    CHECK(aerec::default_data_home() == fs::path("/home/someone/.cache/aerec"));
  }
  {
    const scoped_env aerec_home("AEREC_DATA_HOME", nullptr);
    const scoped_env xdg("XDG_CACHE_HOME", nullptr);
    const scoped_env no_home("HOME", nullptr);
    const auto e = error_from([] { aerec::default_data_home(); });
    REQUIRE(e);
    CHECK_THAT(e->what(), Contains("AEREC_DATA_HOME"));
  }
}
