// aerec info on trained, hand-edited and damaged model files; and --config
// files for train (at the end).
#include <catch2/catch.hpp>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "aerec/backend/cpu_backend.h"
#include "aerec/io/model_file.h"
#include "cli/cli_runner.h"
#include "temp_dir.h"

using json = nlohmann::json;
using namespace aerec::testing;

namespace {

// A MovieLens-100K-style folder: 24 users x 12 movies, three in four rated,
// every 5th rating in u1.test; all of the test's users and movies also have
// training ratings.
struct info_data {
  temp_dir dir;
  std::string path;

  info_data() {
    std::string base, test, all;
    int n = 0;
    for (int u = 1; u <= 24; ++u)
      for (int m = 1; m <= 12; ++m) {
        if ((u * 5 + m * 3) % 4 == 0) continue;
        const int r = 1 + (u % 2 == m % 2 ? 3 : 0) + (u * m) % 2;  // 1, 2, 4 or 5
        const std::string line = std::to_string(u) + "\t" + std::to_string(m) + "\t" + std::to_string(r) +
                                 "\t88125000" + std::to_string(n % 10) + "\n";
        (n++ % 5 == 4 ? test : base) += line;
        all += line;
      }
    dir.write("u.data", all);
    dir.write("u1.base", base);
    dir.write("u1.test", test);
    path = dir.path().string();
  }
};

const info_data& data() {
  static info_data d;
  return d;
}

// Trains on the fixture with `flags`, writing the metrics (and the model, when
// `model` is not empty) into the fixture folder; returns the metrics.
json train(const std::string& flags, const std::string& name, bool keep_model = false) {
  const auto dir = data().dir.path();
  const std::string model = keep_model ? " --out " + (dir / (name + ".aerec")).string() : "";
  const result r = run_aerec("train --data " + data().path + " --split u1 " + flags + model +
                             " --metrics-out " + (dir / (name + ".json")).string());
  INFO(r.err);
  REQUIRE(r.code == 0);
  return json::parse(read(dir / (name + ".json")));
}

// A model trained once for the tests that only read it, and its metrics.
const std::filesystem::path& trained_model() {
  static const std::filesystem::path path = [] {
    train("--preset seed-fixed --epochs 2 --layers 6,4", "info-model", true);
    return data().dir.path() / "info-model.aerec";
  }();
  return path;
}

json trained_metrics() { return json::parse(read(data().dir.path() / "info-model.json")); }

// A copy of the trained model with `metadata` in place of its own.
std::filesystem::path with_metadata(const temp_dir& dir, const std::string& metadata) {
  const auto b = aerec::make_cpu_backend(1);
  aerec::model m = aerec::load_model(*b, trained_model());
  m.set_metadata(metadata);
  const auto path = dir.path() / "edited.aerec";
  aerec::save_model(path, m);
  return path;
}

// The value printed after `key` on its line of `text` ("  key   value").
std::string value_after(const std::string& text, const std::string& key) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::string first, rest;
    if (words >> first && first == key) {
      std::getline(words >> std::ws, rest);
      return rest;
    }
  }
  FAIL("no line for " << key << " in:\n" << text);
  return "";
}

void expect_error(const result& r, int code, const std::string& message) {
  INFO("stderr: " << r.err);
  REQUIRE(r.code == code);
  REQUIRE_THAT(r.err, Catch::Contains(message));
}

}  // namespace

TEST_CASE("info describes the shape, scale and training of a model", "[cli][info]") {
  const auto& model = trained_model();
  const json m = trained_metrics();
  const result r = run_aerec("info " + model.string());
  INFO(r.err);
  REQUIRE(r.code == 0);
  REQUIRE(value_after(r.out, "file") == model.string());
  REQUIRE(value_after(r.out, "format") == "aerec model file, version 2");
  REQUIRE(value_after(r.out, "size") == std::to_string(std::filesystem::file_size(model)) + " bytes");
  REQUIRE(value_after(r.out, "network") == "12 -> 6 sigmoid -> 4 sigmoid -> 12 identity");
  REQUIRE(value_after(r.out, "parameters") == m["parameters"].dump());
  REQUIRE(value_after(r.out, "weights") == "f32 (32-bit floats, exact)");
  REQUIRE(value_after(r.out, "scale") == "1..5");
  REQUIRE(value_after(r.out, "items") == "12 movies");
  REQUIRE(value_after(r.out, "output") == "predicted ratings");
  REQUIRE(value_after(r.out, "code") == "layer 1, 4 units");
  // The metadata: training data, figures (6 significant digits), configuration.
  REQUIRE_THAT(r.out, Catch::Contains("\ntraining\n") && Catch::Contains("\nfigures\n") &&
                          Catch::Contains("\nconfiguration\n"));
  REQUIRE(value_after(r.out, "preset") == "seed-fixed");
  REQUIRE(value_after(r.out, "split") == "u1");
  char rmse[32];
  std::snprintf(rmse, sizeof rmse, "%.6g", m["test_rmse"].get<double>());
  REQUIRE(value_after(r.out, "test_rmse") == rmse);
  REQUIRE(value_after(r.out, "layers") == "[6,4]");
  REQUIRE(value_after(r.out, "shuffle") == "true");
}

TEST_CASE("info --json gives the shape, scale and the metadata as stored", "[cli][info]") {
  const auto& model = trained_model();
  const json m = trained_metrics();
  const result r = run_aerec("info --json " + model.string());
  INFO(r.err);
  REQUIRE(r.code == 0);
  const json d = json::parse(r.out);
  REQUIRE(d["file"] == model.string());
  REQUIRE(d["format_version"] == 2);
  REQUIRE(d["weights"] == "f32");
  REQUIRE(d["rows"] == "users");
  REQUIRE(d["output"] == "rating");
  REQUIRE(d["code_layer"] == 1);
  REQUIRE(d["bytes"] == std::filesystem::file_size(model));
  REQUIRE(d["items"] == 12);
  REQUIRE(d["shape"] == json::array({12, 6, 4, 12}));
  REQUIRE(d["layers"].size() == 3);
  REQUIRE(d["layers"][1] ==
          json({{"kind", "dense"}, {"inputs", 6}, {"outputs", 4}, {"activation", "sigmoid"}}));
  REQUIRE(d["layers"][2]["activation"] == "identity");
  REQUIRE(d["parameters"] == m["parameters"]);
  REQUIRE(d["scale"] == json({{"min", 1}, {"max", 5}}));
  // Everything train stored, exactly (the metrics file adds only the history).
  json stored = m;
  stored.erase("history");
  REQUIRE(d["metadata"] == stored);
}

TEST_CASE("info shows metadata keys it does not know, and metadata that is not JSON", "[cli][info]") {
  temp_dir dir;
  const auto edited = with_metadata(
      dir,
      R"({"preset": "seed", "future_field": "kept", "val_rmse": 0.91, "early_stopping": {"patience": 3}})");
  const result r = run_aerec("info " + edited.string());
  INFO(r.err);
  REQUIRE(r.code == 0);
  REQUIRE(value_after(r.out, "future_field") == "kept");
  REQUIRE(value_after(r.out, "val_rmse") == "0.91");
  REQUIRE_THAT(r.out, Catch::Contains("\nearly_stopping\n  patience  3\n"));
  REQUIRE(json::parse(run_aerec("info --json " + edited.string()).out)["metadata"]["future_field"] == "kept");

  const auto raw = with_metadata(dir, "written by hand");
  REQUIRE(value_after(run_aerec("info " + raw.string()).out, "metadata") == "(not JSON) written by hand");
  REQUIRE(json::parse(run_aerec("info --json " + raw.string()).out)["metadata"] == "written by hand");

  const auto overflow = with_metadata(dir, R"({"val_rmse": 1e309})");
  REQUIRE(value_after(run_aerec("info " + overflow.string()).out, "metadata") ==
          R"((not JSON) {"val_rmse": 1e309})");

  const auto none = with_metadata(dir, "");
  const result empty = run_aerec("info --json " + none.string());
  REQUIRE(empty.code == 0);
  REQUIRE(json::parse(empty.out)["metadata"] == json::object());
}

TEST_CASE("info lists sections beyond the model's own (a checkpoint's training state)", "[cli][info]") {
  temp_dir dir;
  const auto b = aerec::make_cpu_backend(1);
  aerec::model m = aerec::load_model(*b, trained_model());
  const auto path = dir.write("extra.aerec", aerec::serialize_model(m, {{"XTRA", "abc"}}));
  REQUIRE(value_after(run_aerec("info " + path.string()).out, "extra") == "XTRA (3 bytes)");
  REQUIRE(json::parse(run_aerec("info --json " + path.string()).out)["extra_sections"] ==
          json({{"XTRA", 3}}));
  REQUIRE_FALSE(
      json::parse(run_aerec("info --json " + trained_model().string()).out).contains("extra_sections"));
}

TEST_CASE("info on a missing, damaged or foreign file fails clearly", "[cli][info]") {
  temp_dir bad;
  const auto missing = bad.path() / "none.aerec";
  expect_error(run_aerec("info " + missing.string()), 4, missing.string());
  std::string bytes = read(trained_model());
  bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x10);
  const auto corrupt = bad.write("corrupt.aerec", bytes);
  expect_error(run_aerec("info " + corrupt.string()), 5, corrupt.string() + ": checksum mismatch");
  const auto foreign = bad.write("foreign.aerec", "PK\x03\x04 not a model");
  expect_error(run_aerec("info --json " + foreign.string()), 5, "not an aerec model file");
  REQUIRE(run_aerec("info").code == 2);
}

// --config FILE.json for train -----------------------------------------------

namespace {

std::string config_file(const std::string& name, const std::string& text) {
  return data().dir.write(name, text).string();
}

}  // namespace

TEST_CASE("a --config file trains exactly as the same flags do", "[cli][config]") {
  const json flags = train(
      "--preset seed-fixed --epochs 2 --layers 6,4 --lr 0.01 --no-shuffle "
      "--weight-decay 0.5 --seed 3",
      "config-flags");
  const std::string file = config_file("same.json", R"({"preset": "seed-fixed", "epochs": 2,
      "layers": [6, 4], "lr": 0.01, "shuffle": false, "weight-decay": 0.5, "seed": 3})");
  const json from_file = train("--config " + file, "config-file");
  REQUIRE(from_file["config"] == flags["config"]);
  REQUIRE(from_file["config"]["shuffle"] == false);
  REQUIRE(from_file["test_rmse"] == flags["test_rmse"]);
  REQUIRE(from_file["history"].size() == 2);
  for (std::size_t e = 0; e < 2; ++e)
    REQUIRE(from_file["history"][e]["train_loss"] == flags["history"][e]["train_loss"]);
}

TEST_CASE("flags on the command line win over the --config file", "[cli][config]") {
  const std::string file =
      config_file("override.json",
                  R"({"preset": "seed-fixed", "epochs": 3, "lr": 0.02, "shuffle": false, "layers": [5]})");
  const json m = train("--config " + file + " --epochs 1 --shuffle --layers 3,2", "config-override");
  REQUIRE(m["epochs"] == 1);
  REQUIRE(m["config"]["shuffle"] == true);
  REQUIRE(m["config"]["layers"] == json::array({3, 2}));
  REQUIRE(m["config"]["lr"] == 0.02);  // from the file: not on the command line
  REQUIRE(m["preset"] == "seed-fixed");
}

TEST_CASE("false turns off an on/off flag in a --config file", "[cli][config]") {
  // The seed preset accumulates gradients and does not shuffle.
  const std::string off =
      config_file("off.json", R"({"epochs": 1, "accumulate-gradients": false, "shuffle": true})");
  const json m = train("--preset seed --config " + off, "config-off");
  REQUIRE(m["config"]["accumulate-gradients"] == false);
  REQUIRE(m["config"]["shuffle"] == true);
  // The --no- form takes true.
  const std::string no =
      config_file("no.json", R"({"epochs": 1, "no-shuffle": true, "preset": "seed-fixed"})");
  REQUIRE(train("--config " + no, "config-no")["config"]["shuffle"] == false);
}

TEST_CASE("a bad --config file is an error naming the file and the key", "[cli][config]") {
  const auto expect = [](const std::string& name, const std::string& text, const std::string& message) {
    const std::string file = config_file(name, text);
    expect_error(run_aerec("train --data " + data().path + " --config " + file), 2, file + message);
  };
  expect("array.json", "[1, 2]", ": expected a JSON object of flag values, not an array");
  expect("broken.json", "{\n  \"epochs\": 2,\n  \"lr\" 0.1\n}", ":3: invalid JSON: syntax error");
  // Found by fuzzing (fuzz/regressions/config_file): nlohmann's out_of_range escaped.
  expect("huge.json", R"({"lr": 1e309})", ": invalid JSON: number overflow parsing '1e309'");
  expect("unknown.json", R"({"epochs": 1, "epoch": 2})", ": unknown key \"epoch\"");
  expect("text.json", R"({"epochs": "ten"})", ": \"epochs\": \"ten\" is not an integer");
  expect("fraction.json", R"({"epochs": 2.5})", ": \"epochs\": 2.5 is not an integer");
  expect("flag.json", R"({"shuffle": 1})", ": \"shuffle\": 1 is not true or false");
  expect("list.json", R"({"layers": [20, "x"]})", ": \"layers\": \"x\" is not an integer");
  expect("not-list.json", R"({"lr": [0.1, 0.2]})", ": \"lr\" takes one value");
  expect("range.json", R"({"threads": 99999999999})", ": \"threads\": ");
  expect("itself.json", R"({"config": "other.json"})", ": \"config\" cannot be set in a config file");
  const auto missing = data().dir.path() / "missing.json";
  expect_error(run_aerec("train --data " + data().path + " --config " + missing.string()), 4,
               missing.string());
}
