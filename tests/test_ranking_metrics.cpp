// Top-N figures on hand-worked examples: each expected value is worked out in
// the comments from the ranked lists, with gains 1/log2(rank + 2), rank from 0.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include "aerec/backend/cpu_backend.h"
#include "aerec/eval/ranking_metrics.h"
#include "expect_error.h"

using namespace aerec;

namespace {

double gain(int rank) { return 1 / std::log2(rank + 2.0); }

// A predictor that gives row r the scores scores[r], and records the rows asked for.
struct fixed_predictor {
  std::vector<std::vector<float>> scores;
  std::vector<std::int32_t> asked{};

  row_predictor get() {
    return [this](std::span<const std::int32_t> rows) {
      std::vector<float> out;
      for (const std::int32_t r : rows) {
        asked.push_back(r);
        const auto& s = scores.at(static_cast<std::size_t>(r));
        out.insert(out.end(), s.begin(), s.end());
      }
      return out;
    };
  }
};

}  // namespace

TEST_CASE("precision, recall, NDCG and coverage on two users", "[ranking]") {
  // Six movies. User 0 rated nothing in the input; their scores rank 0,1,2,3,4,5
  // and movies 1 and 4 are relevant (movie 2's 3 stars is not).
  // User 1 rated movie 2 in the input, so it is left out; their scores rank
  // 5,4,3,1,0 and movies 5, 3, 0 are relevant (movie 4's 2 stars is not).
  // User 2 has no relevant test rating and must not count.
  const std::vector<rating_entry> in = {{1, 2, 3}};
  const std::vector<rating_entry> out = {{0, 1, 5}, {0, 2, 3}, {0, 4, 4}, {1, 0, 4.5f},
                                         {1, 3, 5}, {1, 4, 2}, {1, 5, 4}, {2, 0, 3}};
  const ratings input(3, 6, in), target(3, 6, out);
  fixed_predictor p{{{.9f, .8f, .7f, .6f, .5f, .4f}, {.4f, .5f, .6f, .7f, .8f, .9f}, {1, 1, 1, 1, 1, 1}}};
  ranking_options options;
  options.ks = {1, 2, 3, 5};

  const ranking_metrics m = score_ranking(input, target, options, p.get());
  REQUIRE(p.asked == std::vector<std::int32_t>{0, 1});
  REQUIRE(m.users == 2);
  REQUIRE(m.at.size() == 4);
  REQUIRE(m.at[0].k == 1);
  REQUIRE(m.at[3].k == 5);

  // k = 1: user 0 [0] misses; user 1 [5] hits, recall 1/min(1, 3).
  CHECK(m.at[0].precision == Approx((0 + 1.0) / 2));
  CHECK(m.at[0].recall == Approx((0 + 1.0) / 2));
  CHECK(m.at[0].ndcg == Approx((0 + 1.0) / 2));
  // k = 2: user 0 [0,1] hits at rank 1 of 2 relevant; user 1 [5,4] hits at rank 0 of 3.
  const double ideal2 = gain(0) + gain(1);
  CHECK(m.at[1].precision == Approx((0.5 + 0.5) / 2));
  CHECK(m.at[1].recall == Approx((1.0 / 2 + 1.0 / 2) / 2));
  CHECK(m.at[1].ndcg == Approx((gain(1) / ideal2 + gain(0) / ideal2) / 2));
  // k = 3: user 0 [0,1,2] one hit (rank 1); user 1 [5,4,3] two (ranks 0, 2), recall 2/min(3, 3).
  const double ideal3 = gain(0) + gain(1) + gain(2);
  CHECK(m.at[2].precision == Approx((1.0 / 3 + 2.0 / 3) / 2));
  CHECK(m.at[2].recall == Approx((1.0 / 2 + 2.0 / 3) / 2));
  CHECK(m.at[2].ndcg == Approx((gain(1) / ideal2 + (gain(0) + gain(2)) / ideal3) / 2));
  // k = 5: user 0 [0..4] both relevant (ranks 1, 4): recall 2/min(5, 2) = 1;
  // user 1 [5,4,3,1,0] all three (ranks 0, 2, 4).
  CHECK(m.at[3].precision == Approx((2.0 / 5 + 3.0 / 5) / 2));
  CHECK(m.at[3].recall == Approx(1.0));
  CHECK(m.at[3].ndcg == Approx(((gain(1) + gain(4)) / ideal2 + (gain(0) + gain(2) + gain(4)) / ideal3) / 2));
  // Coverage: top 1 lists {0, 5}; top 2 adds 1 and 4; top 3 adds 2 and 3.
  CHECK(m.at[0].coverage == Approx(2.0 / 6));
  CHECK(m.at[1].coverage == Approx(4.0 / 6));
  CHECK(m.at[2].coverage == Approx(1.0));
  CHECK(m.at[3].coverage == Approx(1.0));
}

TEST_CASE("movies rated in the input are never ranked, however high they score", "[ranking]") {
  // Movie 0 is rated in the input and scores highest; movie 1 is the relevant one.
  const std::vector<rating_entry> in = {{0, 0, 5}};
  const std::vector<rating_entry> out = {{0, 1, 4}};
  const ratings input(1, 3, in), target(1, 3, out);
  fixed_predictor p{{{10, 5, 1}}};
  ranking_options options;
  options.ks = {1};
  const ranking_metrics m = score_ranking(input, target, options, p.get());
  REQUIRE(m.at[0].precision == 1);
  REQUIRE(m.at[0].ndcg == Approx(1));
  REQUIRE(m.at[0].coverage == Approx(1.0 / 3));  // only movie 1 is listed
}

TEST_CASE("ties rank the lower column first - NaN scores rank last", "[ranking]") {
  const std::vector<rating_entry> out = {{0, 0, 5}, {0, 3, 5}, {1, 4, 5}};
  const ratings input(2, 5, std::vector<rating_entry>{}), target(2, 5, out);
  const float nan = std::numeric_limits<float>::quiet_NaN();
  // User 0: all equal, so [0, 1]: one hit at rank 0. User 1: NaN everywhere
  // but movie 4, which therefore comes first.
  fixed_predictor p{{{2, 2, 2, 2, 2}, {nan, nan, nan, nan, 0}}};
  ranking_options options;
  options.ks = {2};
  const ranking_metrics m = score_ranking(input, target, options, p.get());
  const double user0_ndcg = gain(0) / (gain(0) + gain(1));
  REQUIRE(m.at[0].ndcg == Approx((user0_ndcg + 1) / 2));
  REQUIRE(m.at[0].recall == Approx((0.5 + 1) / 2));
  // Listed: user 0 {0, 1}, user 1 {4, 0}.
  REQUIRE(m.at[0].coverage == Approx(3.0 / 5));
}

TEST_CASE("k beyond the candidates lists them all - precision still divides by k", "[ranking]") {
  // Two of four movies are rated in the input; the relevant one ranks second of the two left.
  const std::vector<rating_entry> in = {{0, 0, 3}, {0, 1, 4}};
  const std::vector<rating_entry> out = {{0, 3, 5}};
  const ratings input(1, 4, in), target(1, 4, out);
  fixed_predictor p{{{0, 0, 0.9f, 0.1f}}};
  ranking_options options;
  options.ks = {10};
  const ranking_metrics m = score_ranking(input, target, options, p.get());
  REQUIRE(m.at[0].precision == Approx(1.0 / 10));
  REQUIRE(m.at[0].recall == Approx(1.0));  // 1 / min(10, 1)
  REQUIRE(m.at[0].ndcg == Approx(gain(1) / gain(0)));
  REQUIRE(m.at[0].coverage == Approx(2.0 / 4));
}

TEST_CASE("the relevance threshold decides which test ratings count", "[ranking]") {
  const std::vector<rating_entry> out = {{0, 0, 3.5f}, {1, 1, 3}};
  const ratings input(2, 2, std::vector<rating_entry>{}), target(2, 2, out);
  fixed_predictor p{{{1, 0}, {1, 0}}};
  ranking_options options;
  options.ks = {1};
  REQUIRE(score_ranking(input, target, options, p.get()).users == 0);
  options.relevance_threshold = 3.5f;
  const ranking_metrics m = score_ranking(input, target, options, p.get());
  REQUIRE(m.users == 1);
  REQUIRE(m.at[0].precision == 1);
}

TEST_CASE("users are predicted in batches, each once, in order", "[ranking]") {
  // 600 users (three batches); user u's one relevant movie is u % 4, which
  // their scores put first.
  std::vector<rating_entry> out;
  fixed_predictor p;
  for (std::int32_t u = 0; u < 600; ++u) {
    out.push_back({u, u % 4, 5});
    std::vector<float> s(4, 0);
    s[static_cast<std::size_t>(u % 4)] = 1;
    p.scores.push_back(s);
  }
  const ratings input(600, 4, std::vector<rating_entry>{}), target(600, 4, out);
  ranking_options options;
  options.ks = {1};
  const ranking_metrics m = score_ranking(input, target, options, p.get());
  REQUIRE(m.users == 600);
  REQUIRE(p.asked.size() == 600);
  REQUIRE(p.asked.back() == 599);
  REQUIRE(m.at[0].precision == 1);
  REQUIRE(m.at[0].coverage == 1);
}

TEST_CASE("the popularity baseline ranks by training counts, ties by column", "[ranking]") {
  // Training counts: movie 0: 2, movie 1: 2, movie 2: 3, movie 3: 0.
  const std::vector<rating_entry> train_entries = {{0, 2, 4}, {1, 2, 1}, {2, 2, 3}, {0, 0, 5},
                                                   {1, 0, 2}, {1, 1, 3}, {2, 1, 4}};
  const ratings train(3, 4, train_entries);
  // User 0 rated movie 2 (the most popular), so their list is [0, 1, 3]; movie 1 is relevant.
  const std::vector<rating_entry> in = {{0, 2, 4}};
  const std::vector<rating_entry> out = {{0, 1, 5}};
  const ratings input(1, 4, in), target(1, 4, out);
  ranking_options options;
  options.ks = {1, 2};
  const ranking_metrics m = evaluate_popularity(train, input, target, options);
  REQUIRE(m.users == 1);
  REQUIRE(m.at[0].recall == 0);  // [0]
  REQUIRE(m.at[1].recall == 1);  // [0, 1]
  REQUIRE(m.at[1].ndcg == Approx(gain(1) / gain(0)));
}

TEST_CASE("evaluate_ranking ranks the model's outputs for each user's input", "[ranking]") {
  // Zero weights: every output is its bias, whatever the input.
  auto b = make_cpu_backend();
  const std::vector<int> hidden = {3};
  autoencoder net(*b, stacked_layers(5, hidden, activation::sigmoid, activation::identity));
  const float biases[5] = {1, 5, 3, 4, 2};  // ranks 1, 3, 2, 4, 0
  std::copy(biases, biases + 5, net.parameters().back().value);
  // Movie 1 is in the input, so the list is [3, 2, 4, 0]; movie 2 is relevant.
  const std::vector<rating_entry> in = {{0, 1, 5}};
  const std::vector<rating_entry> out = {{0, 2, 4}};
  const ratings input(1, 5, in), target(1, 5, out);
  ranking_options options;
  options.ks = {1, 2};
  const ranking_metrics m = evaluate_ranking(net, input, target, options);
  REQUIRE(m.at[0].precision == 0);
  REQUIRE(m.at[1].precision == 0.5);
  REQUIRE(m.at[1].ndcg == Approx(gain(1) / gain(0)));
}

TEST_CASE("a cutoff k below 1 is an invalid argument", "[ranking]") {
  const ratings empty(1, 2, std::vector<rating_entry>{});
  ranking_options options;
  options.ks = {10, 0};
  fixed_predictor p{{{0, 0}}};
  const auto e = testing::error_from([&] { score_ranking(empty, empty, options, p.get()); });
  REQUIRE(e);
  REQUIRE(e->code() == error_code::invalid_argument);
  REQUIRE_THAT(e->what(), Catch::Contains("k must be positive"));
}

TEST_CASE("past the score budget, a fixed random sample of users is ranked", "[ranking]") {
  CHECK(ranking_sample_for(6040, 3706) == 0);  // ML-1M: everyone
  CHECK(ranking_sample_for(162541, 59047) == ranking_score_budget / 59047);
  CHECK(ranking_sample_for(162541, 59047) == 18184);
  // 100 users; user u's one relevant movie is u % 4, and the scores put it
  // first for the even users only: precision@1 is the sample's share of them.
  std::vector<rating_entry> out;
  fixed_predictor p;
  for (std::int32_t u = 0; u < 100; ++u) {
    out.push_back({u, u % 4, 5});
    std::vector<float> s(4, 0);
    s[static_cast<std::size_t>((u % 4 + u % 2) % 4)] = 1;
    p.scores.push_back(s);
  }
  const ratings input(100, 4, std::vector<rating_entry>{}), target(100, 4, out);
  ranking_options options;
  options.ks = {1};
  options.max_users = 30;
  const ranking_metrics m = score_ranking(input, target, options, p.get());
  CHECK(m.users == 30);
  CHECK(m.sampled_from == 100);
  REQUIRE(p.asked.size() == 30);
  CHECK(std::is_sorted(p.asked.begin(), p.asked.end()));
  CHECK(std::adjacent_find(p.asked.begin(), p.asked.end()) == p.asked.end());
  const auto even = std::count_if(p.asked.begin(), p.asked.end(), [](std::int32_t u) { return u % 2 == 0; });
  CHECK(m.at[0].precision == Approx(static_cast<double>(even) / 30));
  // The same sample every time, so that a model and its baselines rank the same users.
  fixed_predictor again{p.scores};
  score_ranking(input, target, options, again.get());
  CHECK(again.asked == p.asked);
  // A budget above the users ranks them all.
  options.max_users = 100;
  fixed_predictor all{p.scores};
  CHECK(score_ranking(input, target, options, all.get()).sampled_from == 0);
  CHECK(all.asked.size() == 100);
}
