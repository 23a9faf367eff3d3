// aerec train, predict and recommend on every rating format, end to end.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli/cli_runner.h"
#include "temp_dir.h"

using json = nlohmann::json;
using namespace aerec::testing;

namespace {

// 40 users x 16 movies, two taste groups; `half` adds half stars.
// Each line comes from `format(user, movie, rating)`.
template <class Format>
std::string ratings_lines(bool half, Format format) {
  std::string out;
  for (int u = 1; u <= 40; ++u)
    for (int m = 1; m <= 16; ++m) {
      if ((u * 5 + m * 3) % 4 == 0) continue;
      const double r = (u % 2 == m % 2 ? 4.0 : 2.0) + (half ? 0.5 * (m % 2) : 0.0);
      out += format(u, m, r);
    }
  return out;
}

std::string number(double r) {
  std::string s = std::to_string(r);
  s.erase(s.find_last_not_of('0') + 1);
  if (s.back() == '.') s.pop_back();
  return s;
}

result train(const std::string& data, const std::string& extra, const std::filesystem::path& out) {
  return run_aerec("train --data " + data + " --split random:0.2 --preset seed-fixed --epochs 2 " + extra +
                   " --out " + out.string() + " --metrics-out " + out.string() + ".json");
}

}  // namespace

TEST_CASE("formats: a dat folder without timestamps trains, with titles for recommend", "[cli][formats]") {
  temp_dir dir;
  dir.write("ratings-notimestamp.dat", ratings_lines(false, [](int u, int m, double r) {
              return std::to_string(u) + "::" + std::to_string(m) + "::" + number(r) + "\n";
            }));
  std::string movies;
  for (int m = 1; m <= 16; ++m)
    movies += std::to_string(m) + "::Caf\xe9 " + std::to_string(m) + " (1999)::Drama\n";
  dir.write("movies.dat", movies);  // latin-1, as ML-1M's
  const auto model = dir.path() / "m.aerec";
  const result r = train(dir.path().string(), "", model);
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(json::parse(read(model.string() + ".json"))["data"] == dir.path().filename().string());
  const result rec =
      run_aerec("recommend " + model.string() + " --data " + dir.path().string() + " --user 2 -k 3");
  INFO(rec.err);
  REQUIRE(rec.code == 0);
  CHECK_THAT(rec.out, Catch::Contains("Caf\xc3\xa9 "));  // UTF-8
}

TEST_CASE("formats: a csv file with half stars keeps its scale in the model", "[cli][formats]") {
  temp_dir dir;
  const auto csv =
      dir.write("ratings.csv",
                "userId,movieId,rating,timestamp\r\n" + ratings_lines(true, [](int u, int m, double r) {
                  return std::to_string(u) + "," + std::to_string(m) + "," + number(r) + ",1500000000\r\n";
                }));
  const auto model = dir.path() / "m.aerec";
  const result r = train(csv.string(), "", model);
  INFO(r.err);
  REQUIRE(r.code == 0);
  const json info = json::parse(run_aerec("info --json " + model.string()).out);
  CHECK(info["scale"].dump().find("4.5") != std::string::npos);
  const result p = run_aerec("predict " + model.string() + " --ratings 1:4.5,2:2 --json");
  INFO(p.err);
  CHECK(p.code == 0);
}

TEST_CASE("formats: any delimited file, its columns named on the command line", "[cli][formats]") {
  temp_dir dir;
  const auto file = dir.write(
      "scores.txt", "when;stars;who;what\n" + ratings_lines(false, [](int u, int m, double r) {
                      return "7;" + number(r) + ";" + std::to_string(u) + ";" + std::to_string(m) + "\n";
                    }));
  const auto model = dir.path() / "m.aerec";
  const std::string format = "--format delimited --delimiter ';' --columns user=who,item=what,rating=stars";
  const result r = train(file.string(), format, model);
  INFO(r.err);
  REQUIRE(r.code == 0);
  // The same file without its format cannot be read; a wrong column name is named.
  const result unnamed = train(file.string(), "", model);
  CHECK(unnamed.code == 2);
  CHECK_THAT(unnamed.err, Catch::Contains("scores.txt"));
  const result wrong = train(file.string(), "--format delimited --delimiter ';' --columns user=whom", model);
  CHECK(wrong.code == 3);
  CHECK_THAT(wrong.err, Catch::Contains("scores.txt:1:") && Catch::Contains("whom"));
  // --columns alone means a delimited file with commas: this header is then one column.
  CHECK(train(file.string(), "--columns user=who", model).code == 3);
}
