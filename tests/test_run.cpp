// The library's training run (train/run.h), as a program embedding lib/ uses
// it: start, epochs, a stop and a resume that ends where an uninterrupted run
// does, the final figures, and the runs it refuses.
#include <catch2/catch.hpp>

#include "aerec/backend/cpu_backend.h"
#include "aerec/core/error.h"
#include "aerec/train/run.h"
#include "expect_error.h"
#include "temp_dir.h"

using namespace aerec;
using aerec::testing::code_name;
using aerec::testing::error_from;
using aerec::testing::temp_dir;
using Catch::Matchers::Contains;

namespace {

// A u.data of 60 users and 30 movies, two taste groups.
std::string ratings_file() {
  std::string lines;
  for (int u = 1; u <= 60; ++u)
    for (int m = 1; m <= 30; ++m) {
      if ((u * 7 + m * 3) % 5 > 2) continue;
      const int r = 1 + ((u % 2 == m % 2) ? 3 : 0) + (u + m) % 2;
      lines += std::to_string(u) + "\t" + std::to_string(m) + "\t" + std::to_string(r) + "\t88" +
               std::to_string(u * 100 + m) + "\n";
    }
  return lines;
}

run_spec spec_in(const temp_dir& dir) {
  run_spec spec;
  spec.data.data = dir.write("u.data", ratings_file()).string();
  spec.split = "random:0.2";
  spec.val = 0.2;
  spec.preset = "seed-fixed";
  return spec;
}

train_config config_of(const run_spec& spec) {
  train_config c = preset(spec.preset);
  c.epochs = 6;
  c.model.hidden = {6};
  return c;
}

backend_factory cpu() {
  return [](const train_config& c) { return make_cpu_backend(c.threads); };
}

std::vector<float> parameters_of(training_run& r) {
  std::vector<float> all;
  for (const parameter& p : r.trained().network().parameters())
    all.insert(all.end(), p.value, p.value + p.size);
  return all;
}

}  // namespace

TEST_CASE("training run: epochs, validation and the final figures", "[run]") {
  temp_dir dir;
  const run_spec spec = spec_in(dir);
  training_run r(spec, config_of(spec), {}, cpu());
  std::vector<epoch_event> events;
  REQUIRE(r.run_epochs({}, [&](const epoch_event& e) { events.push_back(e); }));
  REQUIRE(events.size() == 6);
  for (std::size_t i = 0; i < events.size(); ++i) {
    CHECK(events[i].report.epoch == static_cast<int>(i) + 1);
    CHECK(events[i].validation.has_value());
  }
  const training_run::result result = r.finish();
  CHECK(result.metrics["epochs"] == 6);
  CHECK(result.metrics["history"].size() == 6);
  CHECK(result.metrics["preset"] == "seed-fixed");
  CHECK(result.metrics.contains("test_rmse"));
  CHECK(result.metrics.contains("test_recall_at_20"));
  REQUIRE(result.best_validation);
  CHECK(result.metrics["validation_rmse"] == *result.best_validation);
  CHECK(result.figures.rating->rmse == result.metrics["test_rmse"].get<double>());
  // The model carries its figures and configuration for aerec info.
  const auto meta = nlohmann::json::parse(r.trained().metadata());
  CHECK(meta["test_rmse"] == result.metrics["test_rmse"]);
  CHECK_FALSE(meta.contains("history"));
}

TEST_CASE("training run: stopped between batches, resumed, it ends as an uninterrupted run", "[run]") {
  temp_dir dir;
  const run_spec spec = spec_in(dir);
  training_run whole(spec, config_of(spec), {}, cpu());
  whole.run_epochs();
  const auto expected = whole.finish().metrics;

  const auto checkpoint = dir.path() / "run.ckpt";
  training_run first(spec, config_of(spec), checkpoint, cpu());
  int batches = 0;
  // 60 users, 16 a step: 4 batches an epoch; stop after one batch of the third.
  REQUIRE_FALSE(first.run_epochs([&] { return ++batches > 9; }));
  CHECK(first.epochs_done() == 2);
  REQUIRE(std::filesystem::exists(checkpoint));
  training_run resumed = training_run::resume(checkpoint, checkpoint, cpu());
  CHECK(resumed.epochs_done() == 2);
  REQUIRE(resumed.run_epochs());
  const auto metrics = resumed.finish().metrics;
  CHECK(parameters_of(resumed) == parameters_of(whole));
  CHECK(metrics["test_rmse"] == expected["test_rmse"]);
  CHECK(metrics["history"].size() == expected["history"].size());
  CHECK(metrics["best_epoch"] == expected["best_epoch"]);
}

TEST_CASE("training run: runs that cannot be are refused before any training", "[run]") {
  temp_dir dir;
  run_spec spec = spec_in(dir);
  const auto refused = [&](const run_spec& s, const train_config& c, const char* message) {
    const auto e = error_from([&] { training_run(s, c, {}, cpu()); });
    REQUIRE(e);
    CHECK(code_name(*e) == "invalid_argument");
    CHECK_THAT(e->what(), Contains(message));
  };
  run_spec no_val = spec;
  no_val.val = 0;
  no_val.patience = 3;
  refused(no_val, config_of(spec), "--patience needs a validation slice");
  run_spec users = spec;
  users.split = "users:0.2";
  train_config item_based = config_of(spec);
  item_based.item_based = true;
  refused(users, item_based, "--item-based cannot use --split users:0.2");
  run_spec last = spec;
  last.split = "last";
  last.val = 0;
  refused(last, item_based, "--item-based cannot use --split last");
  train_config bad = config_of(spec);
  bad.epochs = -1;
  refused(spec, bad, "epochs");
  // An output that cannot be written fails before the data loads.
  run_spec unwritable = spec;
  unwritable.out = (dir.path() / "missing" / "m.aerec").string();
  const auto e = error_from([&] { training_run(unwritable, config_of(spec), {}, cpu()); });
  REQUIRE(e);
  CHECK(code_name(*e) == "io_error");
}

// fuzz/regressions/checkpoint: a description without "config" threw nlohmann's
// out_of_range, not aerec's error.
TEST_CASE("training run: a damaged run description in a checkpoint is a model_format error", "[run][fuzz]") {
  json run = options_to_json(run_options(), run_spec{});
  for (const std::string& text :
       {run.dump(), std::string("[]"), std::string("{\"data\": 1}"), std::string("{")}) {
    const auto e = error_from([&] { parse_run_description(text, "c.ckpt"); });
    REQUIRE(e);
    CHECK(code_name(*e) == "model_format");
    CHECK_THAT(e->what(), Contains("c.ckpt: "));
  }
  run["config"] = to_json(preset("seed-fixed"));
  CHECK(parse_run_description(run.dump(), "c.ckpt").config.epochs == preset("seed-fixed").epochs);
}
