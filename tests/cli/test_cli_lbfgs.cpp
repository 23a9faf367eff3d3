// aerec train --optimizer lbfgs: full-batch L-BFGS (I-AutoRec, GLocal-K) from
// the command line, its flags and JSON keys, resuming, and eval on its model.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli/cli_runner.h"
#include "cli/model_weights.h"
#include "cli/train_runs.h"
#include "temp_dir.h"

using json = nlohmann::json;
using namespace aerec::testing;

namespace {

// 80 users x 30 movies of two taste groups, about half rated, as a
// MovieLens-100K-style u.data.
struct lbfgs_data {
  temp_dir dir;
  std::string base;   // the data and a small item-based network
  std::string flags;  // and L-BFGS

  lbfgs_data() {
    dir.write("u.data", two_taste_ratings(80, 30, [](int u, int m) { return (u * 7 + m * 3) % 4 < 2; }));
    base = "--data " + dir.path().string() + " --split random:0.2 --item-based --layers 8 --threads 1 ";
    flags = base + "--optimizer lbfgs --lbfgs-iters 3 --weight-decay 1 ";
  }
};

const lbfgs_data& data() {
  static lbfgs_data d;
  return d;
}

// Trains with the fixture's flags and `args`; returns the metrics.
json train_metrics(const std::string& args, const temp_dir& out, const std::string& name) {
  return aerec::testing::train_metrics(data().flags, args, out, name);
}

}  // namespace

TEST_CASE("train --optimizer lbfgs: trains full batch, and eval scores its model", "[cli][lbfgs]") {
  temp_dir out;
  const auto model = out.path() / "lbfgs.aerec";
  const json trained = train_metrics("--epochs 8 --out " + model.string(), out, "lbfgs");
  const json& config = trained["config"];
  CHECK(config["optimizer"] == "lbfgs");
  CHECK(config["lbfgs-iters"] == 3);
  CHECK(config["lbfgs-history"] == 10);
  CHECK(config["lbfgs-line-search"] == "strong_wolfe");
  CHECK(config["weight-decay"] == 1.0);  // given after --optimizer, it still applies
  const json& history = trained["history"];
  REQUIRE(history.size() == 8);
  CHECK(history.back()["train_loss"].get<double>() < 0.5 * history.front()["train_loss"].get<double>());
  CHECK(trained["test_rmse"].get<double>() < trained["baseline_global_mean_rmse"].get<double>());

  const result e = run_aerec("eval --json " + model.string());
  INFO(e.err);
  REQUIRE(e.code == 0);
  const json scored = json::parse(e.out);
  CHECK(scored["test_ratings"] == trained["test_ratings"]);
  CHECK(scored["test_rmse"].get<double>() == Approx(trained["test_rmse"].get<double>()).epsilon(1e-12));

  // The configuration in the model's metadata trains the same model again (--config).
  const auto file = out.write("config.json", config.dump());
  const auto again = out.path() / "again.aerec";
  const result r = run_aerec("train --data " + data().dir.path().string() + " --split random:0.2 --config " +
                             file.string() + " --out " + again.string());
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(weights(again) == weights(model));
}

TEST_CASE("train --optimizer lbfgs: the L-BFGS flags change training", "[cli][lbfgs]") {
  temp_dir out;
  const json three = train_metrics("--epochs 2 --out " + (out.path() / "three.aerec").string(), out,
                                   "three");  // --lbfgs-iters 3
  const std::string one_iteration =
      "train " + data().base + "--optimizer lbfgs --lbfgs-iters 1 --epochs 2 --out ";
  REQUIRE(run_aerec(one_iteration + (out.path() / "one.aerec").string()).code == 0);
  CHECK(weights(out.path() / "one.aerec") != weights(out.path() / "three.aerec"));
  for (const char* flags : {"--lbfgs-history 1", "--lbfgs-line-search none", "--lbfgs-restart"}) {
    CAPTURE(flags);
    const json other = train_metrics(std::string("--epochs 2 ") + flags, out, "other");
    CHECK(other["test_rmse"] != three["test_rmse"]);
  }
}

TEST_CASE("train --optimizer lbfgs: a resumed run ends as the uninterrupted one", "[cli][lbfgs]") {
  temp_dir out;
  const std::string common = "--val 0.2 --epochs 3 ";
  const json whole = train_metrics(common, out, "whole");
  const auto ckpt = out.path() / "part.ckpt";
  REQUIRE(run_aerec("train " + data().flags + common + "--checkpoint-every 2 --checkpoint " + ckpt.string())
              .code == 0);
  const auto metrics = out.path() / "resumed.json";
  const result r = run_aerec("train --resume " + ckpt.string() + " --metrics-out " + metrics.string());
  INFO(r.err);
  REQUIRE(r.code == 0);
  const json resumed = json::parse(read(metrics));
  CHECK(resumed["config"]["optimizer"] == "lbfgs");
  CHECK(resumed["test_rmse"] == whole["test_rmse"]);
  CHECK(resumed["validation_rmse"] == whole["validation_rmse"]);
}

TEST_CASE("train --optimizer lbfgs: help, names and refusals", "[cli][lbfgs]") {
  const result help = run_aerec("train --help");
  REQUIRE(help.code == 0);
  for (const char* flag : {"lbfgs (full batch", "--lbfgs-iters", "--lbfgs-history", "--lbfgs-line-search"})
    CHECK_THAT(help.out, Catch::Contains(flag));
  const std::string lbfgs = "train " + data().base + "--optimizer lbfgs ";
  expect_refusal(run_aerec("train " + data().base + "--optimizer nope"), "adadelta, lbfgs)");
  expect_refusal(run_aerec(lbfgs + "--lbfgs-line-search armijo"),
                 "unknown line search 'armijo' (known: strong_wolfe, none)");
  expect_refusal(run_aerec(lbfgs + "--dropout 0.2"), "lbfgs optimizer");
  expect_refusal(run_aerec(lbfgs + "--accumulate-gradients"), "accumulated gradients");
  expect_refusal(run_aerec(lbfgs + "--lbfgs-iters 0"), "max_iter");
}

TEST_CASE("tune varies the L-BFGS settings", "[cli][lbfgs][tune]") {
  temp_dir out;
  const auto best = out.path() / "best.json";
  const result r =
      run_aerec("tune --data " + data().dir.path().string() +
                " --split random:0.2 --preset autorec-i --grid 'optimizer=[\"lbfgs\"]' "
                "--grid 'accumulate-gradients=[false]' --grid 'layers=[[8]]' --grid 'epochs=[2]' "
                "--grid 'lbfgs-iters=[1, 3]' --config-out " +
                best.string());
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("\"lbfgs-iters\":1") && Catch::Contains("\"lbfgs-iters\":3"));
  const json config = json::parse(read(best));
  CHECK(config["optimizer"] == "lbfgs");
  CHECK(config["lbfgs-line-search"] == "strong_wolfe");
}
