// aerec train --preset seq2seq and aerec recommend --next: a sequence model
// trained end to end on a small file whose users watch movies in a fixed
// order, its figures beside the baselines', and the inputs it refuses.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli/cli_runner.h"
#include "temp_dir.h"

using json = nlohmann::json;
using namespace aerec::testing;

namespace {

constexpr int movies = 24;

// 60 users, each watching 12 movies in the order m, m+1, m+2, ... (modulo
// `movies`) from a start of their own, one a day: the next movie follows from
// the last one, which popularity cannot know. Two users rate too few to take
// part (1 and 2 ratings).
std::string ordered_ratings() {
  std::string lines;
  const auto add = [&](int user, int movie, int day) {
    lines += std::to_string(user) + "\t" + std::to_string(movie) + "\t" +
             std::to_string(1 + (user + movie) % 5) + "\t" + std::to_string(880000000 + day * 86400) + "\n";
  };
  for (int u = 1; u <= 60; ++u)
    for (int k = 0; k < 12; ++k) add(u, 1 + (u * 7 + k) % movies, u + k);
  add(61, 3, 1);
  add(62, 4, 1);
  add(62, 5, 2);
  return lines;
}

struct sequence_data {
  temp_dir dir;
  std::string flags;
  sequence_data() {
    dir.write("u.data", ordered_ratings());
    flags = "--data " + dir.path().string() +
            " --preset seq2seq --seq-length 4 --seq-steps 2 --embedding 8 --lstm-hidden 16 --lr 0.02 "
            "--batch 16 --threads 1 ";
  }
};

const sequence_data& data() {
  static sequence_data d;
  return d;
}

// `aerec train <flags> <args>` with its metrics in `out`; requires success and returns them.
json train_sequences(const std::string& args, const temp_dir& out) {
  const auto metrics = out.path() / "metrics.json";
  const result r = run_aerec("train " + data().flags + args + " --metrics-out " + metrics.string());
  INFO(r.err);
  REQUIRE(r.code == 0);
  return json::parse(read(metrics));
}

}  // namespace

TEST_CASE("train --preset seq2seq: learns the order, beats popularity, and writes a model",
          "[cli][sequences]") {
  temp_dir out;
  const auto model = out.path() / "seq.aerec";
  const json m = train_sequences("--epochs 25 --out " + model.string(), out);
  CHECK(m["split"] == "last");
  CHECK(m["users"] == 60);
  CHECK(m["users_left_out_fewer_than_3_ratings"] == 2);
  CHECK(m["test_next_item_users"] == 60);
  // Windows: each user's 10 training movies give 9 positions with a movie before them.
  CHECK(m["train_windows"] == 60 * 9);
  for (const char* key :
       {"test_hr_at_10", "test_ndcg_at_10", "test_hr_at_10_sampled100", "test_ndcg_at_10_sampled100",
        "baseline_popularity_ndcg_at_10", "baseline_markov_ndcg_at_10"}) {
    CAPTURE(key);
    CHECK(m[key].get<double>() >= 0);
    CHECK(m[key].get<double>() <= 1);
  }
  // The next movie is the last one's successor: the model learns it, popularity cannot.
  CHECK(m["test_hr_at_10"].get<double>() > 0.9);
  CHECK(m["test_ndcg_at_10"].get<double>() > m["baseline_popularity_ndcg_at_10"].get<double>() + 0.3);
  CHECK(m["history"].size() == 25);
  CHECK(m["history"][0].contains("validation_ndcg_at_10"));

  SECTION("recommend --next takes the order given") {
    const result r = run_aerec("recommend " + model.string() + " --next --ratings 5:4,6:3,7:5 -k 3 --json");
    INFO(r.err);
    REQUIRE(r.code == 0);
    const json top = json::parse(r.out);
    REQUIRE(top.size() == 3);
    CHECK(top[0]["item_id"] == 8);
    for (const json& t : top) CHECK(t["item_id"] != 5);
  }
  SECTION("recommend --next refuses a movie it does not know, or one rated twice") {
    CHECK(run_aerec("recommend " + model.string() + " --next --ratings 5:4,999:3").err.find("999") !=
          std::string::npos);
    const result twice = run_aerec("recommend " + model.string() + " --next --ratings 5:4,5:3");
    CHECK(twice.code != 0);
    CHECK(twice.err.find("rated twice") != std::string::npos);
  }
  SECTION("info describes it; export writes it alone, not for the rating page") {
    const result info = run_aerec("info " + model.string() + " --json");
    REQUIRE(info.code == 0);
    const json d = json::parse(info.out);
    CHECK(d["rows"] == "sequences");
    CHECK(d["items"] == movies);
    const auto small = out.path() / "small.aerec";
    const result exported = run_aerec("export " + model.string() + " --weights f16 --out " + small.string());
    INFO(exported.err);
    REQUIRE(exported.code == 0);
    const result next =
        run_aerec("recommend " + small.string() + " --next --ratings 5:4,6:3,7:5 -k 1 --json");
    REQUIRE(next.code == 0);
    CHECK(json::parse(next.out)[0]["item_id"] == 8);
    const result web = run_aerec("export " + model.string() + " --web " + (out.path() / "site").string());
    CHECK(web.code != 0);
    CHECK(web.err.find("a sequence model") != std::string::npos);
    CHECK(web.err.find("export --web cannot use it") != std::string::npos);
  }
  SECTION("eval scores it on the split last as training did, and notes movies it does not know") {
    const result r = run_aerec("eval " + model.string() + " --json");
    INFO(r.err);
    REQUIRE(r.code == 0);
    const json e = json::parse(r.out);
    CHECK(e["split"] == "last");
    for (const char* key : {"test_hr_at_10", "test_ndcg_at_10", "test_ndcg_at_10_sampled100",
                            "test_next_item_users", "baseline_markov_ndcg_at_10"}) {
      CAPTURE(key);
      CHECK(e[key] == m[key]);
    }
    const result text = run_aerec("eval " + model.string());
    REQUIRE(text.code == 0);
    CHECK(text.out.find("markov") != std::string::npos);
    // The same users, one of them first watching a movie (99) the model never saw.
    temp_dir other;
    other.write("u.data", ordered_ratings() + "1\t99\t4\t880000000\n");
    const result unknown =
        run_aerec("eval " + model.string() + " --data " + other.path().string() + " --json");
    INFO(unknown.err);
    REQUIRE(unknown.code == 0);
    CHECK(unknown.err.find("1 of the 25 movies are not the model's") != std::string::npos);
    CHECK(json::parse(unknown.out)["test_next_item_users"] == 60);
    const result split = run_aerec("eval " + model.string() + " --split u1");
    CHECK(split.code != 0);
    CHECK(split.err.find("scored on the split 'last'") != std::string::npos);
  }
  SECTION("other commands refuse a sequence model by name") {
    const result r = run_aerec("predict " + model.string() + " --ratings 5:4");
    CHECK(r.code != 0);
    CHECK(r.err.find("a sequence model") != std::string::npos);
  }
}

TEST_CASE("train --preset seq2seq refuses what a sequence run cannot take", "[cli][sequences]") {
  const auto refused = [](const std::string& args, const std::string& why) {
    const result r = run_aerec("train --preset seq2seq --data " + data().dir.path().string() + " " + args);
    CAPTURE(args);
    CHECK(r.code != 0);
    CHECK(r.err.find(why) != std::string::npos);
  };
  refused("--split random:0.1", "split 'last'");
  refused("--val 0.1", "--val does not apply");
  refused("--checkpoint c.ckpt", "do not checkpoint");
  refused("--input-dropout 0.2", "a sequence autoencoder cannot take input dropout");
  refused("--seq-steps 0", "must be >= 1");
  refused("--seq-length -1", "must be >= 0");

  temp_dir dir;
  dir.write("ratings.dat", "1::1::5\n1::2::4\n1::3::3\n");
  const result r = run_aerec("train --data " + (dir.path() / "ratings.dat").string() + " --preset seq2seq");
  CHECK(r.code != 0);
  CHECK(r.err.find("timestamps") != std::string::npos);
  // Each user's three ratings leave one training movie: no order to learn from.
  dir.write("u.data", "1\t1\t5\t10\n1\t2\t4\t11\n1\t3\t3\t12\n");
  const result none = run_aerec("train --data " + dir.path().string() + " --preset seq2seq");
  CHECK(none.code != 0);
  CHECK(none.err.find("no user has two training movies") != std::string::npos);
}

TEST_CASE("recommend --next refuses a model that is not a sequence model", "[cli][sequences]") {
  temp_dir out;
  const auto model = out.path() / "seed.aerec";
  const result trained = run_aerec("train --data " + data().dir.path().string() +
                                   " --preset seed --epochs 1 --split all --out " + model.string());
  INFO(trained.err);
  REQUIRE(trained.code == 0);
  const result r = run_aerec("recommend " + model.string() + " --next --ratings 5:4");
  CHECK(r.code != 0);
  CHECK(r.err.find("--next needs a sequence model") != std::string::npos);
}
