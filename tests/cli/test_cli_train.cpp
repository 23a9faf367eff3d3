// aerec train for real use: splits, validation and early stopping,
// checkpoints, resuming, Ctrl-C, and the errors around them.
#include <algorithm>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "aerec/backend/cpu_backend.h"
#include "aerec/io/checkpoint.h"
#include "aerec/io/model_file.h"
#include "aerec/train/options.h"
#include "aerec/train/run.h"
#include "cli/cli_runner.h"
#include "cli/model_weights.h"
#include "temp_dir.h"

using json = nlohmann::json;
using namespace aerec::testing;

namespace {

// 200 users x 60 movies from two taste groups, about 40% rated, as a
// MovieLens-100K-style u.data (no folds), each rating at time(user, movie).
template <class Time>
std::string taste_ratings(Time&& time) {
  std::string lines;
  for (int u = 1; u <= 200; ++u)
    for (int m = 1; m <= 60; ++m) {
      if ((u * 13 + m * 7) % 5 >= 2) continue;
      const int r = 1 + ((u % 2 == m % 2) ? 3 : 0) + (u + m) % 2;
      lines += std::to_string(u) + "\t" + std::to_string(m) + "\t" + std::to_string(r) + "\t" +
               std::to_string(time(u, m)) + "\n";
    }
  return lines;
}

// The taste ratings with timestamps in user order.
struct taste_data {
  temp_dir dir;
  std::string path;
  std::size_t count = 0;

  taste_data() {
    const std::string lines = taste_ratings([](int u, int m) { return 880000000 + u * 100 + m; });
    count = static_cast<std::size_t>(std::count(lines.begin(), lines.end(), '\n'));
    dir.write("u.data", lines);
    path = dir.path().string();
  }
};

const taste_data& data() {
  static taste_data d;
  return d;
}

void expect_error(const result& r, int code, const std::string& message) {
  INFO("stderr: " << r.err);
  REQUIRE(r.code == code);
  REQUIRE_THAT(r.err, Catch::StartsWith("aerec: error: ") && Catch::Contains(message));
}

// Starts `aerec train <args>`, sends SIGINT once its progress shows `epoch`,
// and returns its exit code and stderr.
result interrupt_after(const std::string& args, int epoch, const temp_dir& scratch) {
  const std::string err = (scratch.path() / "interrupted.err").string();
  const auto script = scratch.write("interrupt.sh", std::string(AEREC_CLI_PATH) + " train " + args + " 2>" +
                                                        err + " >/dev/null &\n" +
                                                        "pid=$!\n"
                                                        "until grep -q 'epoch " +
                                                        std::to_string(epoch) + "/' " + err +
                                                        " 2>/dev/null; do sleep 0.02; done\n"
                                                        "kill -INT $pid\n"
                                                        "wait $pid\n"
                                                        "echo $?\n");
  FILE* pipe = popen(("sh " + script.string()).c_str(), "r");
  REQUIRE(pipe);
  char buffer[64] = {};
  const std::size_t n = std::fread(buffer, 1, sizeof buffer - 1, pipe);
  pclose(pipe);
  return {std::stoi(std::string(buffer, n)), "", read(err)};
}

}  // namespace

TEST_CASE("train: a random split with a validation slice reports both", "[cli][train]") {
  temp_dir out;
  const auto metrics = out.path() / "m.json";
  const result r = run_aerec("train --data " + data().path +
                             " --split random:0.1 --val 0.1 --preset seed-fixed "
                             "--epochs 3 --metrics-out " +
                             metrics.string());
  INFO(r.err);
  REQUIRE(r.code == 0);
  REQUIRE_THAT(r.err, Catch::Contains("val "));
  const json m = json::parse(read(metrics));
  CHECK(m["split"] == "random:0.1");
  CHECK(m["history"].size() == 3);
  for (const json& e : m["history"]) CHECK(e.contains("validation_rmse"));
  CHECK(m["best_epoch"].get<int>() >= 1);
  CHECK(m["test_ratings"].get<std::size_t>() + m["test_left_out_unknown_user"].get<std::size_t>() +
            m["test_left_out_unknown_item"].get<std::size_t>() ==
        static_cast<std::size_t>(std::llround(0.1 * static_cast<double>(data().count))));
  for (const char* key : {"test_recall_at_20", "test_ndcg_at_100", "test_precision_at_10",
                          "test_coverage_at_20", "baseline_popularity_recall_at_20"})
    CHECK(m.contains(key));
}

TEST_CASE("train: every split form trains", "[cli][train]") {
  for (const char* split : {"user:0.2", "time:0.1", "users:0.2", "all"}) {
    CAPTURE(split);
    const result r =
        run_aerec("train --data " + data().path + " --split " + split + " --preset seed-fixed --epochs 1");
    INFO(r.err);
    CHECK(r.code == 0);
  }
}

TEST_CASE("train: the split last reports next-item figures beside its baselines", "[cli][train][last]") {
  // The taste data, each user's movies watched in an order of their own.
  temp_dir data;
  data.write("u.data", taste_ratings([](int u, int m) { return 880000000 + (u * 31 + m * 17) % 60; }));
  // A rating model and a ranking model; early stopping on the split's own validation ratings.
  for (const char* preset : {"seed-fixed", "mult-vae"}) {
    CAPTURE(preset);
    temp_dir out;
    const auto metrics = out.path() / "m.json";
    const result r =
        run_aerec("train --data " + data.path().string() + " --split last --patience 2 --preset " + preset +
                  " --epochs 3 --metrics-out " + metrics.string());
    INFO(r.err);
    REQUIRE(r.code == 0);
    const json m = json::parse(read(metrics));
    CHECK(m["split"] == "last");
    for (const json& e : m["history"])
      CHECK((e.contains("validation_rmse") || e.contains("validation_ndcg_at_100")));
    CHECK(m["best_epoch"].get<int>() >= 1);
    // Every user has more than 3 ratings; a target whose movie has no training rating is counted apart.
    CHECK(m["test_left_out_short_users"] == 0);
    CHECK(m["test_next_item_users"].get<std::size_t>() + m["test_left_out_unknown_item"].get<std::size_t>() ==
          200);
    for (const char* prefix : {"test_", "baseline_popularity_", "baseline_markov_"})
      for (const char* figure : {"hr_at_10", "ndcg_at_10", "hr_at_10_sampled100", "ndcg_at_10_sampled100"}) {
        const std::string key = std::string(prefix) + figure;
        CAPTURE(key);
        REQUIRE(m.contains(key));
        CHECK(m[key].get<double>() >= 0);
        CHECK(m[key].get<double>() <= 1);
      }
    // 60 movies: fewer than 100 unrated ones, so the sampled ranking is the full one.
    CHECK(m["baseline_markov_hr_at_10_sampled100"] == m["baseline_markov_hr_at_10"]);
    CHECK(m["test_ndcg_at_10"].get<double>() <= m["test_hr_at_10"].get<double>());
    CHECK_FALSE(m.contains("test_recall_at_20"));
  }
}

TEST_CASE("train: the split last refuses --val and a file without timestamps", "[cli][train][last]") {
  expect_error(run_aerec("train --data " + data().path + " --split last --val 0.1 --epochs 1"), 2,
               "second-to-last");
  temp_dir dir;
  dir.write("ratings.dat", "1::1::5\n1::2::3\n1::3::4\n2::1::2\n");
  expect_error(run_aerec("train --data " + dir.path().string() + " --split last --epochs 1"), 2,
               "needs timestamps");
}

TEST_CASE("train: early stopping keeps the best epoch", "[cli][train]") {
  temp_dir out;
  const auto metrics = out.path() / "m.json";
  // A large learning rate on a small set overfits within a few epochs.
  const result r = run_aerec("train --data " + data().path +
                             " --split random:0.2 --val 0.2 --patience 3 "
                             "--preset seed-fixed --lr 0.05 --epochs 300 --metrics-out " +
                             metrics.string());
  INFO(r.err);
  REQUIRE(r.code == 0);
  const json m = json::parse(read(metrics));
  const int epochs = m["epochs"], best = m["best_epoch"];
  REQUIRE(epochs < 300);
  REQUIRE_THAT(r.out, Catch::Contains("early stop after epoch " + std::to_string(epochs)));
  CHECK(epochs - best == 3);
  double lowest = 1e9;
  int lowest_epoch = 0;
  for (const json& e : m["history"])
    if (e["validation_rmse"].get<double>() < lowest) {
      lowest = e["validation_rmse"];
      lowest_epoch = e["epoch"];
    }
  CHECK(lowest_epoch == best);
  CHECK(m["validation_rmse"].get<double>() == lowest);
}

TEST_CASE("train: a checkpoint saved at the epoch that stopped early resumes to that same end",
          "[cli][train][resume]") {
  temp_dir out;
  const auto ckpt = out.path() / "run.ckpt";
  const auto first = out.path() / "first.json";
  // As above, it stops early; a checkpoint after every epoch is saved at the stopping one.
  const result r = run_aerec("train --data " + data().path +
                             " --split random:0.2 --val 0.2 --patience 3 "
                             "--preset seed-fixed --lr 0.05 --epochs 300 --checkpoint-every 1 --checkpoint " +
                             ckpt.string() + " --metrics-out " + first.string());
  INFO(r.err);
  REQUIRE(r.code == 0);
  const json a = json::parse(read(first));
  REQUIRE(a["epochs"].get<int>() < 300);
  const auto resumed = out.path() / "resumed.json";
  const result again = run_aerec("train --resume " + ckpt.string() + " --metrics-out " + resumed.string());
  INFO(again.err);
  REQUIRE(again.code == 0);
  const json b = json::parse(read(resumed));
  // No epoch more: the same history, best epoch and figures.
  CHECK(b["epochs"] == a["epochs"]);
  CHECK(b["history"].size() == a["history"].size());
  CHECK(b["best_epoch"] == a["best_epoch"]);
  CHECK(b["test_rmse"] == a["test_rmse"]);
}

TEST_CASE("train: Ctrl-C saves a checkpoint - resuming ends with the uninterrupted model",
          "[cli][train][resume]") {
  for (const char* preset : {"seed", "seed-fixed"}) {
    CAPTURE(preset);
    temp_dir out;
    const std::string common = std::string("--data ") + data().path +
                               " --split random:0.1 --val 0.1 --epochs 300 --preset " + preset;
    const auto whole = out.path() / "whole.aerec";
    const auto whole_metrics = out.path() / "whole.json";
    REQUIRE(
        run_aerec("train " + common + " --out " + whole.string() + " --metrics-out " + whole_metrics.string())
            .code == 0);

    const auto ckpt = out.path() / "run.ckpt";
    const auto resumed = out.path() / "resumed.aerec";
    const auto resumed_metrics = out.path() / "resumed.json";
    const result stopped = interrupt_after(common + " --out " + resumed.string() + " --checkpoint " +
                                               ckpt.string() + " --metrics-out " + resumed_metrics.string(),
                                           3, out);
    INFO(stopped.err);
    REQUIRE(stopped.code == 130);
    REQUIRE_THAT(stopped.err,
                 Catch::Contains("checkpoint saved to " + ckpt.string()) && Catch::Contains("--resume"));
    REQUIRE(std::filesystem::exists(ckpt));
    REQUIRE_FALSE(std::filesystem::exists(resumed));

    const result r = run_aerec("train --resume " + ckpt.string());
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK(weights(resumed) == weights(whole));
    const json a = json::parse(read(whole_metrics)), b = json::parse(read(resumed_metrics));
    CHECK(a["test_rmse"] == b["test_rmse"]);
    CHECK(a["best_epoch"] == b["best_epoch"]);
    REQUIRE(b["history"].size() == a["history"].size());
    for (std::size_t e = 0; e < a["history"].size(); ++e)
      CHECK(a["history"][e]["train_loss"] == b["history"][e]["train_loss"]);
  }
}

TEST_CASE("train: --checkpoint-every writes a resumable checkpoint", "[cli][train][resume]") {
  temp_dir out;
  const auto ckpt = out.path() / "every.ckpt";
  const std::string common = "--data " + data().path + " --split random:0.1 --preset seed-fixed";
  const auto whole = out.path() / "whole.aerec";
  REQUIRE(run_aerec("train " + common + " --epochs 4 --out " + whole.string()).code == 0);
  const auto half = out.path() / "half.aerec";
  REQUIRE(run_aerec("train " + common + " --epochs 2 --checkpoint-every 2 --checkpoint " + ckpt.string() +
                    " --out " + half.string())
              .code == 0);
  // A checkpoint of a finished 2-epoch run holds 2 epochs; it is also a model file.
  const result info =
      run_aerec("eval " + ckpt.string() + " --data " + data().path + " --split random:0.1 --json");
  INFO(info.err);
  CHECK(info.code == 0);
  CHECK(weights(ckpt) == weights(half));

  expect_error(run_aerec("train --resume " + ckpt.string() + " --epochs 9"), 2, "--epochs");
  expect_error(run_aerec("train --resume " + whole.string()), 5, "not a checkpoint");
}

TEST_CASE("train: bad data, splits and paths give clear errors", "[cli][train]") {
  temp_dir bad;
  expect_error(run_aerec("train --data " + bad.path().string()), 4, bad.path().string());
  expect_error(run_aerec("train --data " + data().path + " --split random:1.5"), 2, "between 0 and 1");
  expect_error(run_aerec("train --data " + data().path + " --split sometimes"), 2, "unknown split");
  expect_error(run_aerec("train --data " + data().path + " --split u1"), 2, "u1.base");
  expect_error(run_aerec("train --data " + data().path + " --split random:0.1 --patience 3"), 2, "--val");
  expect_error(run_aerec("train --data " + data().path + " --val 2"), 2, "between 0 and 1");
  expect_error(run_aerec("train --data " + data().path + " --input-dropout 1"), 2,
               "input dropout must be in [0, 1)");
  const auto dup = bad.write("ratings.csv", "userId,movieId,rating,timestamp\n1,2,4,5\n1,3,4,5\n1,2,3,6\n");
  expect_error(run_aerec("train --data " + dup.string() + " --split random:0.5"), 3,
               dup.string() + ":4: user 1 rated movie 2 already, at " + dup.string() + ":2");
  const auto unwritable = bad.path() / "no" / "such" / "dir" / "m.json";
  expect_error(run_aerec("train --data " + data().path + " --split all --metrics-out " + unwritable.string()),
               4, unwritable.string());
  CHECK_FALSE(std::filesystem::exists(unwritable.parent_path()));
}

TEST_CASE("train: the configuration stored in a model file trains the same model again",
          "[cli][train][config]") {
  const std::string data_flags = "--data " + data().path + " --split random:0.1";
  // Noise, dropout and the variational code too: their draws come from the
  // stored seed. Each flag changes training, so one lost on the way would show.
  const std::string variants[] = {
      "--input-dropout 0.25 --input-noise 0.1 --dropout 0.2",
      "--activation tanh --activity-penalty l1 --activity-weight 0.01 --activity-layer 0 "
      "--contractive 0.01 --refeed",
      "--activation sigmoid --activity-penalty kl --activity-weight 0.01 --activity-target 0.2",
      "--activation tanh --objective multinomial --variational --kl-cap 0.3 --kl-anneal-steps 5"};
  for (const std::string& flags : variants) {
    CAPTURE(flags);
    temp_dir out;
    const auto first = out.path() / "first.aerec";
    REQUIRE(run_aerec("train " + data_flags + " --preset seed-fixed --epochs 3 --layers 8,4,8 --lr 0.004 " +
                      flags + " --out " + first.string())
                .code == 0);
    const result info = run_aerec("info --json " + first.string());
    INFO(info.err);
    REQUIRE(info.code == 0);
    const auto config = out.write("config.json", json::parse(info.out)["metadata"]["config"].dump());
    const auto second = out.path() / "second.aerec";
    const result again =
        run_aerec("train " + data_flags + " --config " + config.string() + " --out " + second.string());
    INFO(again.err);
    REQUIRE(again.code == 0);
    CHECK(weights(second) == weights(first));
  }
}

TEST_CASE("train: its flags are the run's and the configuration's stored keys", "[cli][train][config]") {
  // The long flags --help lists ("  --shuffle,--no-shuffle{false}  Visit ...").
  const result help = run_aerec("train --help");
  REQUIRE(help.code == 0);
  std::set<std::string> flags;
  std::istringstream lines(help.out);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("  -", 0) != 0) continue;
    std::istringstream names(line.substr(2, line.find_first_of(" {", 2) - 2));
    for (std::string name; std::getline(names, name, ',');)
      if (name.rfind("--", 0) == 0) flags.insert(name.substr(2));
  }
  // Neither stored nor configuration: help, the config file, where checkpoints
  // go, where to compute, what to resume.
  for (const char* other : {"help", "config", "checkpoint", "device", "resume"})
    REQUIRE(flags.erase(other) == 1);
  // The run's own (data, split, outputs), as a checkpoint's run description stores them.
  std::set<std::string> run_keys;
  for (const auto& o : aerec::run_options()) {
    run_keys.insert(o.name);
    REQUIRE(flags.erase(o.name) == 1);
  }
  temp_dir ckpt_dir;
  const auto ckpt = ckpt_dir.path() / "run.ckpt";
  REQUIRE(run_aerec("train --data " + data().path +
                    " --split random:0.1 --epochs 1 --checkpoint-every 1 "
                    "--checkpoint " +
                    ckpt.string())
              .code == 0);
  aerec::checkpoint_state state;
  const auto reader = aerec::make_cpu_backend(1);
  aerec::load_checkpoint(*reader, ckpt, state);
  const aerec::json description = aerec::json::parse(state.run);
  std::set<std::string> stored;
  for (const auto& item : description.items()) stored.insert(item.key());
  run_keys.insert({"config", "history"});
  CHECK(stored == run_keys);
  const aerec::json config = aerec::to_json(aerec::preset("seed"));
  std::set<std::string> keys;
  for (const auto& item : config.items()) {
    keys.insert(item.key());
    if (item.value().is_boolean()) keys.insert("no-" + item.key());  // each on/off flag's --no- form
  }
  REQUIRE(flags == keys);
  // A --config file takes every key.
  temp_dir out;
  const auto file = out.write("all.json", config.dump());
  const result r = run_aerec("train --data " + data().path + " --split random:0.1 --config " + file.string() +
                             " --epochs 1 --layers 4");
  INFO(r.err);
  REQUIRE(r.code == 0);
}

TEST_CASE("eval: by default scores the model's own split of its own data", "[cli][train]") {
  temp_dir out;
  const auto model = out.path() / "m.aerec";
  const auto metrics = out.path() / "m.json";
  REQUIRE(run_aerec("train --data " + data().path +
                    " --split random:0.15 --seed 5 --preset seed-fixed "
                    "--epochs 2 --out " +
                    model.string() + " --metrics-out " + metrics.string())
              .code == 0);
  const result r = run_aerec("eval --json " + model.string(), "MOVIELENS_DIR=");
  INFO(r.err);
  REQUIRE(r.code == 0);
  const json e = json::parse(r.out), m = json::parse(read(metrics));
  CHECK(e["split"] == "random:0.15");
  CHECK(e["test_ratings"] == m["test_ratings"]);
  CHECK(e["test_rmse"].get<double>() == Approx(m["test_rmse"].get<double>()).epsilon(1e-12));
  CHECK(e["test_recall_at_20"].get<double>() == Approx(m["test_recall_at_20"].get<double>()).epsilon(1e-12));
}
