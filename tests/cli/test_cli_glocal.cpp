// Kernel layers and GLocal-K's global kernel from the command line: the
// preset's two stages, eval on its model, resuming across the stages, and
// what they refuse (a matrix too large among them).
#include <sys/resource.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>

#include "cli/cli_runner.h"
#include "cli/model_weights.h"
#include "cli/train_runs.h"
#include "temp_dir.h"

using json = nlohmann::json;
using namespace aerec::testing;

namespace {

// 60 users x 24 movies of two taste groups, about half rated; the preset's
// L2 weight (lambda_2 20, for ML-100K) would swamp so few ratings.
struct glocal_data {
  temp_dir dir;
  std::string flags;  // the data and a small GLocal-K

  glocal_data() {
    dir.write("u.data", two_taste_ratings(60, 24, [](int u, int m) { return (u * 7 + m * 3) % 4 < 2; }));
    flags = "--data " + dir.path().string() +
            " --split random:0.2 --preset glocal-k --layers 8,8 --kernel-dim 2 --weight-decay 1 --threads 1 ";
  }
};

const glocal_data& data() {
  static glocal_data d;
  return d;
}

json train_metrics(const std::string& args, const temp_dir& out, const std::string& name) {
  return aerec::testing::train_metrics(data().flags, args, out, name);
}

}  // namespace

TEST_CASE("train --preset glocal-k: pretraining, then the global kernel, and eval scores the model",
          "[cli][glocal]") {
  temp_dir out;
  const auto model = out.path() / "glocal.aerec";
  const json trained = train_metrics("--epochs 6 --pretrain-epochs 3 --out " + model.string(), out, "glocal");
  const json& config = trained["config"];
  CHECK(config["kernel-dim"] == 2);
  CHECK(config["global-kernel"] == 3);
  CHECK(config["pretrain-epochs"] == 3);
  CHECK(config["kernel-penalty"].get<double>() == Approx(0.006));
  CHECK(trained["test_rmse"].get<double>() < trained["baseline_global_mean_rmse"].get<double>());

  const result e = run_aerec("eval --json " + model.string());
  INFO(e.err);
  REQUIRE(e.code == 0);
  CHECK(json::parse(e.out)["test_rmse"].get<double>() ==
        Approx(trained["test_rmse"].get<double>()).epsilon(1e-12));

  // The global kernel changed the model: the same run stopped before it differs.
  const auto local = out.path() / "local.aerec";
  train_metrics("--epochs 6 --pretrain-epochs 6 --out " + local.string(), out, "local");
  CHECK(weights(local).size() < weights(model).size());  // the global kernel's weights, besides the layers'
  const result info = run_aerec("info " + model.string());
  REQUIRE(info.code == 0);
  CHECK_THAT(info.out,
             Catch::Contains("8 sigmoid (local kernel, R^2)") && Catch::Contains("global kernel 3x3"));
}

TEST_CASE("train --preset glocal-k --val: the best epoch is one with the global kernel", "[cli][glocal]") {
  temp_dir out;
  const auto model = out.path() / "best.aerec";
  const json trained =
      train_metrics("--val 0.2 --epochs 5 --pretrain-epochs 3 --out " + model.string(), out, "best");
  REQUIRE(trained["history"].size() == 5);
  CHECK(trained["history"][0].contains("validation_rmse"));  // reported every epoch
  CHECK(trained["best_epoch"].get<int>() > 3);
  const result e = run_aerec("eval --json " + model.string());
  INFO(e.err);
  CHECK(e.code == 0);
}

TEST_CASE("train --preset glocal-k: a run resumed on either side of the global kernel ends as the whole run",
          "[cli][glocal]") {
  temp_dir out;
  const std::string common = "--epochs 5 --pretrain-epochs 2 ";
  const json whole = train_metrics(common, out, "whole");
  for (const char* every : {"2", "3"}) {  // saved before the global kernel joins, and after
    CAPTURE(every);
    const auto ckpt = out.path() / (std::string("part") + every + ".ckpt");
    REQUIRE(run_aerec("train " + data().flags + common + "--checkpoint-every " + every + " --checkpoint " +
                      ckpt.string())
                .code == 0);
    const auto metrics = out.path() / "resumed.json";
    const result r = run_aerec("train --resume " + ckpt.string() + " --metrics-out " + metrics.string());
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK(json::parse(read(metrics))["test_rmse"] == whole["test_rmse"]);
  }
}

TEST_CASE("kernel layers and the global kernel: refusals", "[cli][glocal]") {
  const std::string base = "train --data " + data().dir.path().string() + " --split random:0.2 --epochs 1 ";
  const std::pair<std::string, std::string> refused[] = {
      {"--preset glocal-k --no-item-based", "needs item-based training"},
      {"--preset glocal-k --optimizer adam", "trains with the lbfgs optimizer"},
      {"--preset glocal-k --global-kernel 4", "size must be odd"},
      {"--preset glocal-k --global-kernel-scale 0", "dot scale"},
      {"--preset seed-fixed --kernel-penalty 0.1", "a kernel penalty needs kernel layers"},
      {"--preset seed-fixed --kernel-dim -1", "kernel dimension"},
      {"--preset glocal-k --activity-penalty l1 --activity-weight 0.1", "no penalty but the kernel penalty"}};
  for (const auto& [flags, message] : refused) {
    CAPTURE(flags);
    expect_refusal(run_aerec(base + flags), message);
  }
}

TEST_CASE(
    "train --preset glocal-k refuses a rating matrix too large for its global kernel, before allocating it",
    "[cli][glocal]") {
  // 200,000 users each rating their own movie: few ratings, but a dense 200,000 x 200,000
  // matrix, 1.4 TB at 36 bytes an entry, over half of any machine that runs this.
  temp_dir big;
  std::string lines;
  for (int i = 1; i <= 200'000; ++i) lines += std::to_string(i) + "\t" + std::to_string(i) + "\t4\t1\n";
  big.write("u.data", lines);
  const auto start = std::chrono::steady_clock::now();
  const result r = run_aerec("train --data " + big.path().string() + " --split random:0.1 --preset glocal-k");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  expect_refusal(
      r,
      "GLocal-K's global kernel needs the dense movies x users matrix: 200,000 x 200,000 entries x "
      "36 bytes = 1440.0 GB, over the limit of ");
  CHECK_THAT(r.err, Catch::Contains("GB (half of this machine's ") && Catch::Contains("--global-kernel 0"));
  // Refused once the data is read: no model, no pretraining, nothing of the matrix's size
  // (no child of this test program, this run among them, has held a gigabyte).
  CHECK(seconds < 20);
  rusage children{};
  getrusage(RUSAGE_CHILDREN, &children);
  CHECK(children.ru_maxrss < 1024 * 1024);  // KiB
}
