// Every preset trains from the CLI; the multinomial objective (Mult-VAE,
// Mult-DAE) reports top-N figures that beat popularity on data with tastes;
// aerec tune searches a grid of any of them on a validation slice.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

#include "aerec/train/train_config.h"
#include "cli/cli_runner.h"
#include "temp_dir.h"

using json = nlohmann::json;
using namespace aerec::testing;

namespace {

// 150 users x 60 movies in three taste groups: each user rates about half
// the movies, 5 or 4 for their group's and 1 or 2 for the others'. Popularity
// cannot tell the groups apart; a model of the users' tastes can.
struct taste_data {
  temp_dir dir;
  taste_data() {
    std::string lines;
    for (int u = 1; u <= 150; ++u)
      for (int m = 1; m <= 60; ++m) {
        if ((u * 7 + m * 13) % 5 >= 3) continue;
        const bool liked = u % 3 == m % 3;
        const int r = liked ? 4 + (u + m) % 2 : 1 + (u + m) % 2;
        lines += std::to_string(u) + "\t" + std::to_string(m) + "\t" + std::to_string(r) + "\t" +
                 std::to_string(880000000 + u * 100 + m) + "\n";
      }
    dir.write("u.data", lines);
  }
};

const taste_data& data() {
  static taste_data d;
  return d;
}

json train(const std::string& args, const temp_dir& out) {
  const auto metrics = out.path() / "m.json";
  const result r =
      run_aerec("train --data " + data().dir.path().string() + " --threads 1 " + args + " --checkpoint " +
                (out.path() / "c.ckpt").string() + " --metrics-out " + metrics.string());
  INFO(r.err);
  REQUIRE(r.code == 0);
  return json::parse(read(metrics));
}

}  // namespace

TEST_CASE("every preset trains from the CLI and reports its figures", "[cli][presets]") {
  for (const aerec::preset_info& p : aerec::presets()) {
    if (!p.ratings()) continue;  // images in test_cli_images.cpp, sequences in test_cli_sequences.cpp
    CAPTURE(p.name);
    temp_dir out;
    const bool ranking = p.make().goal == aerec::objective::multinomial;
    // A few epochs in small steps: the preset's own network and regulariser.
    const json m = train(
        "--preset " + p.name + " --epochs 2 --batch 16 --split " + (ranking ? "users:0.2" : "random:0.2"),
        out);
    CHECK(m["epochs"] == 2);
    CHECK(m["preset"] == p.name);
    if (ranking) {
      CHECK(m.contains("test_ndcg_at_100"));
      CHECK_FALSE(m.contains("test_rmse"));
    } else {
      CHECK(m["test_rmse"].get<double>() > 0);
    }
  }
}

TEST_CASE("the multinomial objective ranks each group's movies above popular ones", "[cli][multinomial]") {
  temp_dir out;
  for (const char* preset : {"mult-dae", "mult-vae"}) {
    CAPTURE(preset);
    const json m =
        train(std::string("--preset ") + preset + " --epochs 60 --batch 16 --split users:0.2 --val 0.1", out);
    CHECK(m["validation_ndcg_at_100"].get<double>() > 0);
    CHECK(m["history"][0].contains("train_nll"));
    CHECK(m["test_ndcg_at_10"].get<double>() > m["baseline_popularity_ndcg_at_10"].get<double>() + 0.1);
    CHECK(m["test_recall_at_20"].get<double>() > m["baseline_popularity_recall_at_20"].get<double>());
  }
}

TEST_CASE("what the multinomial objective and a variational code cannot do is refused",
          "[cli][multinomial]") {
  temp_dir out;
  const std::string base = "train --data " + data().dir.path().string() + " --epochs 1 ";
  const std::pair<std::string, std::string> refused[] = {
      {"--preset mult-dae --item-based", "item-based training predicts ratings"},
      {"--preset mult-vae --dropout 0.5", "a variational code takes no dropout"},
      {"--preset seed --variational --layers 8", "needs a hidden layer below its code"},
      {"--objective poisson", "unknown objective 'poisson'"}};
  for (const auto& [flags, message] : refused) {
    CAPTURE(flags);
    const result r = run_aerec(base + "--split random:0.2 " + flags);
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains(message));
  }
  // A ranking model's outputs are scores: predict gives them, eval ranks with it, and
  // recommend ranks a user's unrated movies with it, its input the user's liked movies.
  const auto model = out.path() / "vae.aerec";
  REQUIRE(run_aerec(base + "--preset mult-vae --split users:0.2 --out " + model.string() + " --checkpoint " +
                    (out.path() / "c.ckpt").string())
              .code == 0);
  const result predict = run_aerec("predict " + model.string() + " --ratings 1:5,2:1 --json");
  INFO(predict.err);
  REQUIRE(predict.code == 0);
  CHECK(json::parse(predict.out)["predictions"].size() == 60);
  const result eval =
      run_aerec("eval " + model.string() + " --data " + data().dir.path().string() + " --json");
  INFO(eval.err);
  REQUIRE(eval.code == 0);
  CHECK(json::parse(eval.out).contains("test_ndcg_at_100"));
  const result rec = run_aerec("recommend " + model.string() + " --data " + data().dir.path().string() +
                               " --split all --user 3 -k 5 --json");
  INFO(rec.err);
  REQUIRE(rec.code == 0);
  const json top = json::parse(rec.out);
  REQUIRE(top.size() == 5);
  for (std::size_t i = 1; i < top.size(); ++i) CHECK(top[i]["score"] <= top[i - 1]["score"]);
}

TEST_CASE("tune trains every combination on the validation slice and reports the best", "[cli][tune]") {
  temp_dir out;
  const auto best = out.path() / "best.json";
  const result r = run_aerec("tune --data " + data().dir.path().string() +
                             " --split random:0.2 --preset seed-fixed --patience 3 "
                             "--grid 'layers=[[4],[8,4,8]]' --grid 'lr=[0.01,0.001]' --config-out " +
                             best.string());
  INFO(r.err);
  REQUIRE(r.code == 0);
  // Four trials, then the best of them by validation RMSE; nothing of the test part.
  std::vector<double> rmses;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);)
    if (const auto at = line.find("validation rmse ");
        at != std::string::npos && line.find("/4") != std::string::npos)
      rmses.push_back(std::stod(line.substr(at + 16)));
  REQUIRE(rmses.size() == 4);
  CHECK_THAT(r.out, Catch::Contains("best: "));
  CHECK_THAT(r.out + r.err, !Catch::Contains("test rating") && !Catch::Contains("test_"));
  const double lowest = *std::min_element(rmses.begin(), rmses.end());
  char expected[32];
  std::snprintf(expected, sizeof expected, "(validation %.4f,", lowest);
  CHECK_THAT(r.out, Catch::Contains(expected));
  // The best configuration trains again with aerec train, for its best epoch count.
  const json config = json::parse(read(best));
  const json m = train("--config " + best.string() + " --split random:0.2", out);
  CHECK(m["epochs"] == config["epochs"]);
  CHECK(m["config"]["layers"] == config["layers"]);
}

TEST_CASE("tune refuses grids it cannot search", "[cli][tune]") {
  const std::string base = "tune --data " + data().dir.path().string() + " --split random:0.2 ";
  const std::pair<std::string, std::string> refused[] = {
      {"--grid lr", "expected KEY=[VALUES]"},
      {"--grid colour=[1]", "expected KEY=[VALUES]"},
      {"--grid lr=0.1", "non-empty JSON array"},
      {"--grid 'lr=[]'", "non-empty JSON array"},
      {"--grid 'objective=[\"multinomial\"]'", "tune each separately"},
      {"--grid 'lr=[0.1,-1]'", "learning rate must be >= 0"},
      {"--grid 'lr=[0.1]' --val 0", "--val must be in (0, 1)"}};
  for (const auto& [flags, message] : refused) {
    CAPTURE(flags);
    const result r = run_aerec(base + flags);
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains(message));
  }
}
