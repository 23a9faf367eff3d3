// aerec train --item-based (I-AutoRec): the same test entries as user-based
// training, validation, resuming, the splits it refuses, and what the other
// commands do with an item-based model.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "aerec/backend/cpu_backend.h"
#include "aerec/io/model_file.h"
#include "cli/cli_runner.h"
#include "cli/model_weights.h"
#include "cli/train_runs.h"
#include "temp_dir.h"

using json = nlohmann::json;
using namespace aerec::testing;

namespace {

// 120 users x 40 movies of two taste groups, about half rated, as a
// MovieLens-100K-style u.data; movie 40 is rated once, so a random split
// can leave its rating out of training.
struct item_data {
  temp_dir dir;
  std::string flags;

  item_data() {
    dir.write("u.data", two_taste_ratings(120, 40, [](int u, int m) {
                return m == 40 ? u == 7 : (u * 11 + m * 5) % 4 < 2;
              }));
    // Small and fast: a narrow layer, a large step, 4 movies a step, gradients zeroed.
    flags = "--data " + dir.path().string() +
            " --preset autorec-i --layers 16 --lr 0.01 --weight-decay 0.001 --batch 4 --threads 1 "
            "--no-accumulate-gradients ";
  }
};

const item_data& data() {
  static item_data d;
  return d;
}

json train_metrics(const std::string& args, const temp_dir& out, const std::string& name) {
  return aerec::testing::train_metrics(data().flags, args, out, name);
}

}  // namespace

TEST_CASE("train --item-based: scored on the same test ratings and users as user-based",
          "[cli][item-based]") {
  temp_dir out;
  const std::string split = "--split random:0.2 --seed 3 --epochs 30 ";
  const json user = train_metrics(split + "--no-item-based", out, "user");
  const json item = train_metrics(split, out, "item");
  CHECK(item["config"]["item-based"] == true);
  CHECK(user["config"]["item-based"] == false);
  CHECK(item["test_ratings"].get<std::size_t>() > 0);
  for (const char* key : {"test_ratings", "test_users", "test_left_out_unknown_user",
                          "test_left_out_unknown_item", "baseline_global_mean_rmse"})
    CHECK(item[key] == user[key]);
  // Learnt something: the two taste groups beat the global mean.
  CHECK(item["test_rmse"].get<double>() < item["baseline_global_mean_rmse"].get<double>());
  // Ranking a user's movies is not what an item-based model does: skipped, never per movie.
  CHECK(user.contains("test_recall_at_20"));
  CHECK_FALSE(item.contains("test_recall_at_20"));
  CHECK_FALSE(item.contains("test_ranking_users"));
}

TEST_CASE("train --item-based: the top-N figures are skipped with a reason", "[cli][item-based]") {
  const result r = run_aerec("train " + data().flags + "--split random:0.2 --epochs 1 ");
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK_THAT(r.err, Catch::Contains("top-N figures skipped"));
  CHECK_THAT(r.out, Catch::Contains("test_rmse"));
  CHECK_THAT(r.out, !Catch::Contains("top-N over"));
}

TEST_CASE("train --item-based: validation, early stopping and resuming", "[cli][item-based]") {
  temp_dir out;
  const json stopped =
      train_metrics("--split random:0.2 --val 0.2 --patience 2 --epochs 300", out, "stopped");
  CHECK(stopped["epochs"].get<int>() < 300);
  CHECK(stopped["epochs"].get<int>() - stopped["best_epoch"].get<int>() == 2);
  CHECK(stopped["validation_rmse"].get<double>() > 0);

  // A checkpoint after epoch 2 of 3, resumed, ends with the uninterrupted run's figures.
  const std::string common = "--split random:0.2 --val 0.2 --epochs 3 ";
  const json whole = train_metrics(common, out, "whole");
  const auto ckpt = out.path() / "part.ckpt";
  REQUIRE(run_aerec("train " + data().flags + common + "--checkpoint-every 2 --checkpoint " + ckpt.string())
              .code == 0);
  const auto resumed_metrics = out.path() / "resumed.json";
  const result r =
      run_aerec("train --resume " + ckpt.string() + " --metrics-out " + resumed_metrics.string());
  INFO(r.err);
  REQUIRE(r.code == 0);
  const json resumed = json::parse(read(resumed_metrics));
  CHECK(resumed["config"]["item-based"] == true);
  CHECK(resumed["test_rmse"] == whole["test_rmse"]);
  CHECK(resumed["validation_rmse"] == whole["validation_rmse"]);
  CHECK(resumed["test_ratings"] == whole["test_ratings"]);
}

TEST_CASE("train --item-based: held-out users (users:F) are refused", "[cli][item-based]") {
  expect_refusal(run_aerec("train " + data().flags + "--split users:0.2 --epochs 1"),
                 "--item-based cannot use --split users:0.2");
  // Without --item-based the same split trains.
  CHECK(run_aerec("train " + data().flags +
                  "--no-item-based --split users:0.2 --epochs 1 "
                  "")
            .code == 0);
}

TEST_CASE("item-based models: predict, recommend and export refuse them, eval scores them",
          "[cli][item-based]") {
  temp_dir out;
  const auto model = out.path() / "item.aerec";
  const auto metrics = out.path() / "item.json";
  REQUIRE(run_aerec("train " + data().flags + "--split random:0.2 --epochs 5 --checkpoint-every 5 --out " +
                    model.string() + " --metrics-out " + metrics.string())
              .code == 0);
  const std::string refused = "an item-based model (trained with --item-based)";
  expect_refusal(run_aerec("predict " + model.string() + " --ratings 1:5,2:3"), refused);
  expect_refusal(
      run_aerec("recommend " + model.string() + " --data " + data().dir.path().string() + " --user 1"),
      refused);
  expect_refusal(run_aerec("export " + model.string() + " --web " + (out.path() / "web").string()), refused);
  CHECK_FALSE(std::filesystem::exists(out.path() / "web"));
  // So is a checkpoint of an item-based run: it carries the configuration too.
  expect_refusal(run_aerec("predict " + (model.string() + ".ckpt") + " --ratings 1:5"), refused);

  const result e = run_aerec("eval --json " + model.string());
  INFO(e.err);
  REQUIRE(e.code == 0);
  const json scored = json::parse(e.out), trained = json::parse(read(metrics));
  CHECK(scored["test_ratings"] == trained["test_ratings"]);
  CHECK(scored["test_users"] == trained["test_users"]);
  CHECK(scored["test_rmse"].get<double>() == Approx(trained["test_rmse"].get<double>()).epsilon(1e-12));
  CHECK_FALSE(scored.contains("test_recall_at_20"));

  const result info = run_aerec("info " + model.string());
  INFO(info.err);
  CHECK(info.code == 0);
  CHECK_THAT(info.out, Catch::Contains("users (item-based"));
}

TEST_CASE("train --item-based: the configuration round-trips through the model's metadata",
          "[cli][item-based][config]") {
  temp_dir out;
  const auto first = out.path() / "first.aerec";
  const std::string flags = "--split random:0.2 --epochs 2 --out ";
  REQUIRE(run_aerec("train " + data().flags + flags + first.string()).code == 0);
  const result info = run_aerec("info --json " + first.string());
  INFO(info.err);
  REQUIRE(info.code == 0);
  const json config = json::parse(info.out)["metadata"]["config"];
  REQUIRE(config["item-based"] == true);
  const auto file = out.write("config.json", config.dump());
  const auto second = out.path() / "second.aerec";
  const result again = run_aerec("train --data " + data().dir.path().string() + " --config " + file.string() +
                                 " " + flags + second.string());
  INFO(again.err);
  REQUIRE(again.code == 0);
  CHECK(weights(second) == weights(first));
}
