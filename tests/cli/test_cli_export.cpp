// aerec export --web: the model and movies.json for the web demo, on a small
// MovieLens-100K-style folder that the test writes.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>

#include "aerec/backend/cpu_backend.h"
#include "aerec/io/model_file.h"
#include "cli/cli_runner.h"
#include "small_model.h"
#include "temp_dir.h"

using json = nlohmann::json;
using namespace aerec::testing;

namespace {

struct title {
  std::string text;
  int year;
  std::vector<std::string> genres;
};

// Ratings and titles of the small test model's movies (small_model.h), whose
// columns are not in id order. u.item lacks movie 1000; nobody rates movie 77;
// movie 10 is rated 4, 4 and 3 (mean 3.67 after rounding).
struct export_data {
  temp_dir dir;
  std::string path;
  std::map<int, title> titles = {{3, {"Star Wars (1977)", 1977, {"Action"}}},
                                 {5, {"Untitled", 0, {}}},
                                 {10, {"Twelve Monkeys (1995)", 1995, {"Action", "Drama"}}},
                                 {42, {"The Usual Suspects (1995)", 1995, {"Drama"}}},
                                 {77, {"Unseen (1990)", 1990, {"Drama"}}}};
  std::map<int, std::pair<int, int>> rated;  // movie -> (count, sum)

  export_data() {
    std::string lines;
    const auto add = [&](int user, int movie, int rating) {
      lines += std::to_string(user) + "\t" + std::to_string(movie) + "\t" + std::to_string(rating) +
               "\t881250949\n";
      ++rated[movie].first;
      rated[movie].second += rating;
    };
    add(1, 10, 4);
    add(2, 10, 4);
    add(3, 10, 3);
    for (int u = 1; u <= 12; ++u)
      for (const int m : {42, 3, 1000, 5})
        if ((u + m) % 3 != 0) add(u, m, 1 + (u * m) % 5);
    dir.write("u.data", lines);
    std::string items;
    for (const auto& [id, t] : titles) {
      const auto has = [&](const char* g) {
        return std::find(t.genres.begin(), t.genres.end(), g) != t.genres.end() ? "1" : "0";
      };
      items += std::to_string(id) + "|" + t.text + "|01-Jan-1995||http://x|0|" + has("Action") + "|" +
               has("Drama") + "\n";
    }
    dir.write("u.item", items);
    dir.write("u.genre", "unknown|0\nAction|1\nDrama|2\n");
    path = dir.path().string();
  }
};

const export_data& data() {
  static export_data d;
  return d;
}

// A model trained on the fixture (its metadata names the data), and a
// checkpoint of the same run beside it.
const std::filesystem::path& trained_model() {
  static const std::filesystem::path path = [] {
    const auto p = data().dir.path() / "model.aerec";
    const result r = run_aerec("train --data " + data().path + " --split all --preset seed-fixed " +
                               "--epochs 2 --layers 4 --checkpoint-every 1 --out " + p.string());
    INFO(r.err);
    REQUIRE(r.code == 0);
    return p;
  }();
  return path;
}

std::string predictions(const std::filesystem::path& model) {
  const result r = run_aerec("predict " + model.string() + " --ratings 42:5,10:2 --json");
  INFO(r.err);
  REQUIRE(r.code == 0);
  return r.out;
}

// "wrote PATH (1,234 bytes)" names the file and its size.
void check_reported(const std::string& out, const std::filesystem::path& file) {
  const std::regex line("wrote " + file.string() + " \\(([0-9]{1,3}(,[0-9]{3})*) bytes\\)");
  std::smatch match;
  REQUIRE(std::regex_search(out, match, line));
  std::string digits = match[1];
  digits.erase(std::remove(digits.begin(), digits.end(), ','), digits.end());
  CHECK(std::stoull(digits) == std::filesystem::file_size(file));
}

// `aerec export ARGS --web WEB` fails with `code`, says why, and writes nothing.
void expect_export_fails(const std::string& args, const std::filesystem::path& web, int code,
                         const std::string& message) {
  const result r = run_aerec("export " + args + " --web " + web.string());
  INFO("stderr: " << r.err);
  CHECK(r.code == code);
  CHECK_THAT(r.err, Catch::StartsWith("aerec: error: ") && Catch::Contains(message));
  CHECK(r.out.empty());
  CHECK_FALSE(std::filesystem::exists(web));
}

}  // namespace

TEST_CASE("export: movies.json describes the model's columns in column order", "[cli][export]") {
  temp_dir out;
  const auto model_path = out.path() / "small.aerec";
  {
    const auto device = aerec::make_cpu_backend(1);
    aerec::model small = make_small_model(*device);
    aerec::save_model(model_path, small);
  }
  const auto web = out.path() / "web";
  const result r =
      run_aerec("export " + model_path.string() + " --data " + data().path + " --web " + web.string());
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK_THAT(r.err, Catch::Contains("1 of the model's 6 movies are not in " + data().path));

  const std::string text = read(web / "movies.json");
  CHECK(text.find('\n') == std::string::npos);  // compact
  const json doc = json::parse(text);
  CHECK(doc["data"] == data().dir.path().filename().string());
  REQUIRE(doc["movies"].size() == small_model_movie_ids.size());
  for (std::size_t i = 0; i < small_model_movie_ids.size(); ++i) {
    const json& entry = doc["movies"][i];
    const int id = small_model_movie_ids[i];
    INFO("column " << i << ": " << entry.dump());
    CHECK(entry["id"] == id);
    const auto [count, sum] = data().rated.count(id) ? data().rated.at(id) : std::pair(0, 0);
    CHECK(entry["ratings"] == count);
    CHECK(entry["mean"].get<double>() == (count == 0 ? 0.0 : std::round(sum * 100.0 / count) / 100));
    const auto t = data().titles.find(id);
    const title expected = t == data().titles.end() ? title{"Movie " + std::to_string(id), 0, {}} : t->second;
    CHECK(entry["title"] == expected.text);
    CHECK(entry["year"] == expected.year);
    CHECK(entry["genres"] == json(expected.genres));
  }
  CHECK(doc["movies"][0] == json({{"id", 10},
                                  {"title", "Twelve Monkeys (1995)"},
                                  {"year", 1995},
                                  {"genres", {"Action", "Drama"}},
                                  {"ratings", 3},
                                  {"mean", 3.67}}));
  CHECK(doc["movies"][4]["title"] == "Movie 1000");
  CHECK(doc["movies"][2]["ratings"] == 0);  // movie 77
}

TEST_CASE("export: by default from the model's own data, and the model written predicts as the original",
          "[cli][export]") {
  temp_dir out;
  const auto web = out.path() / "web" / "demo";
  const result r = run_aerec("export " + trained_model().string() + " --web " + web.string());
  INFO(r.err);
  REQUIRE(r.code == 0);
  check_reported(r.out, web / "model.aerec");
  check_reported(r.out, web / "movies.json");
  const json doc = json::parse(read(web / "movies.json"));
  CHECK(doc["data"] == data().dir.path().filename().string());
  CHECK(doc["movies"].size() == 5);  // nobody rates movie 77: the model has no column for it
  CHECK(predictions(web / "model.aerec") == predictions(trained_model()));
  CHECK(read(web / "model.aerec") == read(trained_model()));

  // Exporting again replaces the files; a checkpoint's training state is left out.
  for (const char* name : {"model.aerec", "movies.json"}) std::ofstream(web / name) << "stale";
  const auto checkpoint = trained_model().string() + ".ckpt";
  REQUIRE(json::parse(run_aerec("info --json " + checkpoint).out).contains("extra_sections"));
  const result again =
      run_aerec("export " + checkpoint + " --data " + data().path + " --web " + web.string());
  INFO(again.err);
  REQUIRE(again.code == 0);
  const json info = json::parse(run_aerec("info --json " + (web / "model.aerec").string()).out);
  CHECK_FALSE(info.contains("extra_sections"));
  CHECK(predictions(web / "model.aerec") == predictions(trained_model()));
  CHECK(json::parse(read(web / "movies.json"))["movies"] == doc["movies"]);
}

TEST_CASE("export: bad input is an error that writes nothing", "[cli][export]") {
  temp_dir bad;
  const auto web = bad.path() / "web";
  const std::string model = trained_model().string();

  temp_dir untitled;  // ratings but no movies file
  untitled.write("u.data", read(data().dir.path() / "u.data"));
  expect_export_fails(model + " --data " + untitled.path().string(), web, 4,
                      untitled.path().string() + ": no movies file");

  temp_dir malformed;
  malformed.write("u.data", "1\t7\t4\t881250949\n2\t7\tfour\t881250949\n");
  malformed.write("u.item", read(data().dir.path() / "u.item"));
  malformed.write("u.genre", read(data().dir.path() / "u.genre"));
  expect_export_fails(model + " --data " + malformed.path().string(), web, 3,
                      (malformed.path() / "u.data").string() + ":2:");

  const auto missing = bad.path() / "none.aerec";
  expect_export_fails(missing.string(), web, 4, missing.string());
  const auto foreign = bad.write("foreign.aerec", "PK\x03\x04 not a model");
  expect_export_fails(foreign.string(), web, 5, "not an aerec model file");

  REQUIRE(run_aerec("export " + model).code == 2);  // --web or --out is required
}

namespace {

std::vector<double> predicted(const std::filesystem::path& model) {
  return json::parse(predictions(model))["predictions"].get<std::vector<double>>();
}

}  // namespace

TEST_CASE("export --weights f16 and q8: smaller model files that info, predict and eval read",
          "[cli][export]") {
  temp_dir out;
  const std::string model = trained_model().string();
  std::map<std::string, std::filesystem::path> files;
  for (const char* weights : {"f32", "f16", "q8"}) {
    files[weights] = out.path() / (std::string(weights) + ".aerec");
    const result r =
        run_aerec("export " + model + " --out " + files[weights].string() + " --weights " + weights);
    INFO(r.err);
    REQUIRE(r.code == 0);
    check_reported(r.out, files[weights]);
  }
  CHECK(read(files["f32"]) == read(trained_model()));  // the default: the same bytes as train's
  // The model is 5 -> 4 -> 5: two weight matrices of 20 entries, in 9 rows.
  // f16 saves 2 bytes an entry; q8 3 bytes an entry less a 4-byte scale a row.
  const auto size = [&](const char* w) { return static_cast<long>(std::filesystem::file_size(files[w])); };
  CHECK(size("f32") - size("f16") == 40 * 2);
  CHECK(size("f32") - size("q8") == 40 * 3 - 9 * 4);

  const json exact_eval =
      json::parse(run_aerec("eval --json --split random:0.3 " + files["f32"].string()).out);
  for (const char* weights : {"f16", "q8"}) {
    CAPTURE(weights);
    const std::string file = files[weights].string();
    const result text = run_aerec("info " + file);
    CHECK(text.code == 0);
    CHECK_THAT(text.out, Catch::Contains("format      aerec model file, version 3\n") &&
                             Catch::Contains("weights     " + std::string(weights) + " ("));
    const json info = json::parse(run_aerec("info --json " + file).out);
    CHECK(info["weights"] == weights);
    CHECK(info["format_version"] == 3);

    const result e = run_aerec("eval --json --split random:0.3 " + file);
    INFO(e.err);
    REQUIRE(e.code == 0);
    CHECK(std::fabs(json::parse(e.out)["test_rmse"].get<double>() - exact_eval["test_rmse"].get<double>()) <
          0.02);
  }
  CHECK(json::parse(run_aerec("info --json " + files["f32"].string()).out)["weights"] == "f32");

  // Predictions move by little. The trained model is too young to predict
  // anything but the scale's bottom, so this is the small test model on a
  // scale wide enough that its outputs are not clipped.
  const auto wide = out.path() / "wide.aerec";
  {
    const auto device = aerec::make_cpu_backend(1);
    aerec::model small = make_small_model(*device, 7, {-5, 5});
    aerec::save_model(wide, small);
  }
  const std::vector<double> exact = predicted(wide);
  for (const char* weights : {"f16", "q8"}) {
    CAPTURE(weights);
    const auto file = out.path() / ("wide-" + std::string(weights) + ".aerec");
    REQUIRE(run_aerec("export " + wide.string() + " --out " + file.string() + " --weights " + weights).code ==
            0);
    const std::vector<double> p = predicted(file);
    REQUIRE(p.size() == exact.size());
    for (std::size_t i = 0; i < p.size(); ++i) {
      CAPTURE(i, p[i], exact[i]);
      CHECK(std::fabs(p[i]) < 4.9);  // not clipped
      CHECK(std::fabs(p[i] - exact[i]) < (weights == std::string("f16") ? 2e-3 : 2e-2));
    }
    CHECK(p != exact);
  }

  // --web writes the compact model beside the same movies.json.
  const auto web = out.path() / "web";
  const result r = run_aerec("export " + model + " --web " + web.string() + " --weights q8");
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(read(web / "model.aerec") == read(files["q8"]));
  CHECK(json::parse(read(web / "movies.json"))["movies"].size() == 5);
}

TEST_CASE("export: a bad --weights or output choice is a usage error that writes nothing", "[cli][export]") {
  temp_dir out;
  const std::string model = trained_model().string();
  const auto file = out.path() / "model.aerec";
  const auto web = out.path() / "web";
  for (const std::string& args :
       {" --out " + file.string() + " --weights q4", " --web " + web.string() + " --weights F16",
        " --out " + file.string() + " --weights", " --out " + file.string() + " --web " + web.string()}) {
    CAPTURE(args);
    const result r = run_aerec("export " + model + args);
    CHECK(r.code == 2);
    CHECK_FALSE(r.err.empty());
    CHECK(r.out.empty());
    CHECK_FALSE(std::filesystem::exists(file));
    CHECK_FALSE(std::filesystem::exists(web));
  }
  CHECK_THAT(run_aerec("export " + model + " --out " + file.string() + " --weights q4").err,
             Catch::Contains("unknown weight encoding 'q4' (known: f32, f16, q8)"));
}

TEST_CASE("export: a ranking model beside a rating model, for a page that ranks and rates", "[cli][export]") {
  temp_dir out;
  const auto ranking = out.path() / "ranking-in.aerec";
  const result trained =
      run_aerec("train --data " + data().path + " --split all --preset mult-dae --epochs 2 " +
                "--layers 4 --out " + ranking.string());
  INFO(trained.err);
  REQUIRE(trained.code == 0);
  const auto web = out.path() / "web";
  const result r = run_aerec("export " + ranking.string() + " " + trained_model().string() +
                             " --weights q8 --web " + web.string());
  INFO(r.err);
  REQUIRE(r.code == 0);
  // The page's names: the rating model is model.aerec, the ranking model ranking.aerec.
  for (const char* name : {"ranking.aerec", "model.aerec", "movies.json"}) check_reported(r.out, web / name);
  const json rating_info = json::parse(run_aerec("info " + (web / "model.aerec").string() + " --json").out);
  const json ranking_info =
      json::parse(run_aerec("info " + (web / "ranking.aerec").string() + " --json").out);
  CHECK(rating_info["output"] == "rating");
  CHECK(ranking_info["output"] == "ranking");

  // Two of a kind, or models of other movies, cannot serve one page; nothing is written.
  const auto refused = out.path() / "refused";
  expect_export_fails(trained_model().string() + " " + trained_model().string(), refused, 2,
                      "both predict ratings");
  temp_dir other;
  other.write("u.data", "1\t7\t4\t881250949\n2\t8\t3\t881250949\n");
  other.write("u.item", read(data().dir.path() / "u.item"));
  other.write("u.genre", read(data().dir.path() / "u.genre"));
  const auto elsewhere = other.path() / "other.aerec";
  REQUIRE(run_aerec("train --data " + other.path().string() + " --split all --preset mult-dae --epochs 1 " +
                    "--layers 2 --out " + elsewhere.string())
              .code == 0);
  expect_export_fails(elsewhere.string() + " " + trained_model().string(), refused, 2, "different movies");
  const result too_many = run_aerec("export " + ranking.string() + " " + trained_model().string() +
                                    " --out " + (out.path() / "one.aerec").string());
  CHECK(too_many.code == 2);
  CHECK_THAT(too_many.err, Catch::Contains("--out writes one model"));
}
