// The aerec command line, end to end, on a small synthetic MovieLens-100K-style
// folder that the test writes (no real data needed).
#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "cli/cli_runner.h"
#include "temp_dir.h"

using json = nlohmann::json;
using namespace aerec::testing;

namespace {

// 30 users, 20 movies, ratings from a simple taste rule; a quarter of them
// are test ratings, of users and movies that also have training ratings.
struct fixture {
  temp_dir dir;
  std::string data;
  std::map<int, std::set<int>> rated;  // user -> movies (base and test)

  fixture() {
    std::string base, test, all, items;
    int n = 0;
    for (int u = 1; u <= 30; ++u)
      for (int m = 1; m <= 20; ++m) {
        if ((u * 7 + m * 3) % 5 >= 2) continue;
        const int r = 1 + (u % 3 + m % 4 + (u + m) % 2) % 5;
        const std::string line = std::to_string(u) + "\t" + std::to_string(m) + "\t" + std::to_string(r) +
                                 "\t88125000" + std::to_string(n % 10) + "\n";
        (((u + 2 * m) % 4 == 3) ? test : base) += line;
        ++n;
        all += line;
        rated[u].insert(m);
      }
    for (int m = 1; m <= 20; ++m)
      items += std::to_string(m) + "|Movie " + std::to_string(m) + " (1995)|01-Jan-1995||http://x|0|" +
               (m % 2 ? "1|0" : "0|1") + "\n";
    dir.write("u1.base", base);
    dir.write("u1.test", test);
    dir.write("u.data", all);
    dir.write("u.item", items);
    dir.write("u.genre", "unknown|0\nAction|1\nDrama|2\n");
    data = dir.path().string();
  }
};

fixture& shared_fixture() {
  static fixture f;
  return f;
}

// A model trained once for the tests that only read it.
const std::filesystem::path& trained_model() {
  static const std::filesystem::path path = [] {
    const fixture& f = shared_fixture();
    const auto p = f.dir.path() / "model.aerec";
    const result r =
        run_aerec("train --data " + f.data + " --split u1 --preset seed-fixed --epochs 3 --out " +
                  p.string() + " --metrics-out " + (f.dir.path() / "m.json").string());
    INFO(r.err);
    REQUIRE(r.code == 0);
    return p;
  }();
  return path;
}

}  // namespace

TEST_CASE("every command has --help", "[cli]") {
  for (const std::string cmd : {"", "train ", "eval ", "recommend ", "predict "}) {
    const result r = run_aerec(cmd + "--help");
    INFO(cmd);
    REQUIRE(r.code == 0);
    REQUIRE_THAT(r.out, Catch::Contains("Usage"));
  }
  REQUIRE_THAT(run_aerec("train --help").out, Catch::Contains("seed-fixed"));
}

TEST_CASE("no command, or an unknown flag, is a usage error", "[cli]") {
  REQUIRE(run_aerec("").code == 2);
  const result r = run_aerec("train --no-such-flag");
  REQUIRE(r.code == 2);
  REQUIRE_THAT(r.err, Catch::Contains("no-such-flag"));
}

TEST_CASE("train writes a model and metrics JSON with history", "[cli]") {
  const fixture& f = shared_fixture();
  const auto model = f.dir.path() / "train.aerec";
  const auto metrics = f.dir.path() / "train.json";
  const result r = run_aerec("train --split u1 --preset seed --epochs 2 --out " + model.string() +
                                 " --metrics-out " + metrics.string(),
                             "MOVIELENS_DIR=" + f.data);
  INFO(r.err);
  REQUIRE(r.code == 0);
  REQUIRE_THAT(r.out, Catch::Contains("test_rmse"));
  // Not a terminal: one plain progress line per epoch.
  REQUIRE_THAT(r.err, Catch::Contains("epoch 1/2") && Catch::Contains("epoch 2/2"));
  const json m = json::parse(read(metrics));
  for (const char* key : {"test_rmse", "test_mae", "test_seed_loss", "train_seconds", "epochs"})
    REQUIRE(m.contains(key));
  REQUIRE(m["epochs"] == 2);
  REQUIRE(m["history"].size() == 2);
  REQUIRE(m["history"][1]["epoch"] == 2);
  REQUIRE(m["history"][1].contains("train_loss"));
  REQUIRE(m["history"][1].contains("seconds"));
  REQUIRE(m["config"]["accumulate-gradients"] == true);
  REQUIRE(m["test_rmse"].get<double>() > 0);
  REQUIRE(std::filesystem::file_size(model) > 0);
}

TEST_CASE("flags override the preset", "[cli]") {
  const fixture& f = shared_fixture();
  const auto metrics = f.dir.path() / "override.json";
  const result r =
      run_aerec("train --data " + f.data +
                " --preset seed --epochs 1 --layers 6,4 --activation tanh "
                "--optimizer adam --lr 0.003 --batch 5 --no-accumulate-gradients --metrics-out " +
                metrics.string());
  INFO(r.err);
  REQUIRE(r.code == 0);
  const json c = json::parse(read(metrics))["config"];
  REQUIRE(c["layers"] == json::array({6, 4}));
  REQUIRE(c["activation"] == "tanh");
  REQUIRE(c["optimizer"] == "adam");
  REQUIRE(c["lr"].get<double>() == Approx(0.003));
  REQUIRE(c["weight-decay"] == 0);  // Adam's PyTorch default, not the seed's 0.5
  REQUIRE(c["batch"] == 5);
  REQUIRE(c["accumulate-gradients"] == false);
}

TEST_CASE("eval reports the figures train reported", "[cli]") {
  const fixture& f = shared_fixture();
  const auto& model = trained_model();
  const result r = run_aerec("eval " + model.string() + " --data " + f.data + " --split u1 --json");
  INFO(r.err);
  REQUIRE(r.code == 0);
  const json e = json::parse(r.out);
  const json m = json::parse(read(f.dir.path() / "m.json"));
  REQUIRE(e["test_rmse"].get<double>() == Approx(m["test_rmse"].get<double>()).epsilon(1e-12));
  REQUIRE(e["test_seed_loss"].get<double>() == Approx(m["test_seed_loss"].get<double>()).epsilon(1e-12));
}

TEST_CASE("eval on data with a movie the model does not know leaves its ratings out", "[cli]") {
  const fixture& f = shared_fixture();
  const auto& model = trained_model();
  // The fixture's data and one training rating of movie 21, which the model has no column for.
  temp_dir more;
  const std::string extra = "1\t21\t4\t881250000\n";
  for (const char* name : {"u1.test", "u.genre"}) more.write(name, read(f.dir.path() / name));
  more.write("u1.base", read(f.dir.path() / "u1.base") + extra);
  more.write("u.data", read(f.dir.path() / "u.data") + extra);
  more.write("u.item", read(f.dir.path() / "u.item") + "21|Movie 21 (1995)|01-Jan-1995||http://x|0|1|0\n");
  const result r =
      run_aerec("eval " + model.string() + " --data " + more.path().string() + " --split u1 --json");
  INFO(r.err);
  REQUIRE(r.code == 0);
  REQUIRE_THAT(r.err, Catch::Contains("1 training ratings are of movies the model does not know; left out"));
  // Left out, the data is the model's own: the same figures.
  const json m = json::parse(read(f.dir.path() / "m.json"));
  REQUIRE(json::parse(r.out)["test_rmse"].get<double>() ==
          Approx(m["test_rmse"].get<double>()).epsilon(1e-12));
}

TEST_CASE("recommend lists unrated movies with titles", "[cli]") {
  const fixture& f = shared_fixture();
  const result r =
      run_aerec("recommend " + trained_model().string() + " --data " + f.data + " --user 3 -k 4");
  INFO(r.err);
  REQUIRE(r.code == 0);
  const std::regex line(R"(\s*\d+\. (\d\.\d\d)  Movie (\d+) \(1995\)  \(movie (\d+)\))");
  int lines = 0;
  std::istringstream out(r.out);
  for (std::string s; std::getline(out, s); ++lines) {
    std::smatch match;
    INFO(s);
    REQUIRE(std::regex_match(s, match, line));
    REQUIRE(f.rated.at(3).count(std::stoi(match[3])) == 0);
  }
  REQUIRE(lines == 4);
}

TEST_CASE("predict gives every movie's prediction for a new user", "[cli]") {
  const result r = run_aerec("predict " + trained_model().string() + " --ratings 1:5,7:2.5,12:4 --json");
  INFO(r.err);
  REQUIRE(r.code == 0);
  const json p = json::parse(r.out);
  REQUIRE(p["item_ids"].size() == 20);
  REQUIRE(p["predictions"].size() == 20);
  REQUIRE(p["item_ids"][0] == 1);
  for (const auto& v : p["predictions"]) REQUIRE((v.get<double>() >= 1 && v.get<double>() <= 5));
  // A user with no ratings is allowed.
  REQUIRE(run_aerec("predict " + trained_model().string() + " --ratings \"\" --json").code == 0);
}

TEST_CASE("training is reproducible from the command line", "[cli]") {
  const fixture& f = shared_fixture();
  std::string predictions[2];
  for (int i = 0; i < 2; ++i) {
    const auto model = f.dir.path() / ("repeat" + std::to_string(i) + ".aerec");
    REQUIRE(run_aerec("train --data " + f.data + " --preset seed-fixed --epochs 2 --seed 7 --out " +
                      model.string())
                .code == 0);
    predictions[i] = run_aerec("predict " + model.string() + " --ratings 2:4 --json").out;
  }
  REQUIRE(predictions[0] == predictions[1]);
}

TEST_CASE("bad input gives a clear error and a non-zero exit code", "[cli]") {
  const fixture& f = shared_fixture();
  const std::string model = trained_model().string();
  const auto expect = [](const result& r, int code, const std::string& message) {
    INFO("stderr: " << r.err);
    REQUIRE(r.code == code);
    REQUIRE_THAT(r.err, Catch::StartsWith("aerec: error: ") && Catch::Contains(message));
  };
  expect(run_aerec("predict " + model + " --ratings 1:x"), 2, "--ratings: item 1 '1:x'");
  expect(run_aerec("predict " + model + " --ratings 999:4"), 6, "unknown movie id 999");
  expect(run_aerec("predict " + model + " --ratings 1:9"), 2, "outside 1..5");
  expect(run_aerec("recommend " + model + " --data " + f.data + " --user 4242"), 6, "unknown user id 4242");
  expect(run_aerec("train --data " + f.data + " --preset nope"), 2, "seed-fixed");
  expect(run_aerec("train --data " + f.data + " --optimizer nope"), 2, "adadelta");
  expect(run_aerec("train --data " + f.data + " --split u9"), 2, "split 'u9': unknown split");
  expect(run_aerec("train --data /nonexistent/aerec"), 4, "/nonexistent/aerec");
  expect(run_aerec("train --preset seed", "MOVIELENS_DIR="), 2, "MOVIELENS_DIR");

  const auto nowhere = f.dir.path() / "missing-dir" / "x.aerec";
  expect(run_aerec("train --data " + f.data + " --out " + nowhere.string()), 4, nowhere.string());
  REQUIRE_FALSE(std::filesystem::exists(nowhere.parent_path()));

  temp_dir bad;
  for (const char* name : {"u.data", "u.item", "u.genre", "u1.test"})
    std::filesystem::copy_file(f.dir.path() / name, bad.path() / name);
  bad.write("u1.base", "1\t1\t5\t1\n1\t2\t4\t1\nfoo\t3\t4\t1\n");
  expect(run_aerec("train --data " + bad.path().string()), 3, "u1.base:3: user id 'foo' is not a number");

  std::string bytes = read(model);
  bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x10);
  const auto corrupt = bad.write("corrupt.aerec", bytes);
  expect(run_aerec("eval " + corrupt.string() + " --data " + f.data), 5,
         corrupt.string() + ": checksum mismatch");
  const auto foreign = bad.write("foreign.aerec", "PK\x03\x04 not a model");
  expect(run_aerec("predict " + foreign.string() + " --ratings 1:4"), 5, "not an aerec model file");
  expect(run_aerec("predict " + (bad.path() / "none.aerec").string() + " --ratings 1:4"), 4, "none.aerec");
}
