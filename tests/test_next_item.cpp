// Next-item figures (eval/next_item.h) on small data sets made here: ranks
// from scorers whose orders are known, the exclusions and pessimistic ties,
// the sampled protocol's negatives, histories and the baselines' scores.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <set>
#include <vector>

#include "aerec/core/error.h"
#include "aerec/eval/next_item.h"
#include "expect_error.h"

using namespace aerec;
using aerec::testing::code_name;
using aerec::testing::error_from;
using Catch::Matchers::Contains;

namespace {

// What a split `last` makes, given by hand: each user's training movies in
// time order, then a validation and a test movie (ratings: 3 stars).
struct user_story {
  std::vector<std::int32_t> train;
  std::int32_t validation, test;
};

dataset last_split(std::int32_t items, const std::vector<user_story>& users) {
  const auto rows = static_cast<std::int32_t>(users.size());
  std::vector<rating_entry> train, validation, test;
  dataset d;
  d.split = "last";
  for (std::int32_t r = 0; r < rows; ++r) {
    const user_story& u = users[static_cast<std::size_t>(r)];
    for (const std::int32_t c : u.train) train.push_back({r, c, 3});
    validation.push_back({r, u.validation, 3});
    test.push_back({r, u.test, 3});
    d.train_order.push_back(u.train);
  }
  std::vector<std::int32_t> user_ids(static_cast<std::size_t>(rows)),
      item_ids(static_cast<std::size_t>(items));
  for (std::size_t k = 0; k < user_ids.size(); ++k) user_ids[k] = static_cast<std::int32_t>(100 + k);
  for (std::size_t k = 0; k < item_ids.size(); ++k) item_ids[k] = static_cast<std::int32_t>(10 + k);
  d.users = id_map(user_ids);
  d.items = id_map(item_ids);
  d.train = ratings(rows, items, train);
  d.validation.target = ratings(rows, items, validation);
  d.test.target = ratings(rows, items, test);
  std::vector<rating_entry> known = train;
  known.insert(known.end(), validation.begin(), validation.end());
  d.test.input = ratings(rows, items, known);
  return d;
}

// A scorer that gives each user row the scores in `table`.
next_item_scorer table_scorer(const std::vector<std::vector<float>>& table) {
  return [table](std::span<const std::int32_t> users, std::span<const std::vector<std::int32_t>>,
                 std::span<float> scores) {
    const std::size_t width = table[0].size();
    for (std::size_t i = 0; i < users.size(); ++i)
      std::copy(table[static_cast<std::size_t>(users[i])].begin(),
                table[static_cast<std::size_t>(users[i])].end(),
                scores.begin() + static_cast<std::ptrdiff_t>(i * width));
  };
}

constexpr float not_a_number = std::numeric_limits<float>::quiet_NaN();

// 1 / log2(rank + 1): NDCG of one relevant movie at `rank`.
double gain(int rank) { return 1 / std::log2(rank + 1.0); }

}  // namespace

TEST_CASE("next-item: full ranks skip rated movies, and ties go against the target", "[next-item]") {
  // Six movies. User 0 rated 0 (training) and 1 (validation); user 1 rated 3
  // and 4; user 2 rated 0, 1 and 2.
  const dataset d = last_split(6, {{{0}, 1, 2}, {{3}, 4, 0}, {{0, 1}, 2, 5}});
  const next_item_scorer scorer = table_scorer({
      // Rated 0 and 1 score highest but are left out; 3 is above the target
      // 2, and 4 ties with it: rank 3.
      {9, 9, 5, 7, 5, 1},
      // The target 0 above all: rank 1.
      {10, 1, 2, 3, 4, 5},
      // A NaN target ranks below every candidate (3 and 4): rank 3.
      {0, 0, 0, -1, -2, not_a_number},
  });
  for (const int k : {1, 2, 3}) {
    CAPTURE(k);
    const next_item_figures f = score_next_item(d, d.test, {k, 100, 1}, scorer);
    CHECK(f.users == 3);
    const double hits = 1 + (k >= 3 ? 2 : 0);
    CHECK(f.hr == Approx(hits / 3));
    CHECK(f.ndcg == Approx((gain(1) + (k >= 3 ? 2 * gain(3) : 0)) / 3));
    // With more negatives than unrated movies, every one is drawn: the same figures.
    CHECK(f.hr_sampled == f.hr);
    CHECK(f.ndcg_sampled == f.ndcg);
  }
}

TEST_CASE("next-item: a constant scorer ranks every target last", "[next-item]") {
  const dataset d = last_split(6, {{{0}, 1, 2}, {{3}, 4, 0}});
  const next_item_scorer constant = [](std::span<const std::int32_t>,
                                       std::span<const std::vector<std::int32_t>>, std::span<float> scores) {
    std::fill(scores.begin(), scores.end(), 1.0f);
  };
  // Three candidates besides the target: rank 4.
  const next_item_figures f = score_next_item(d, d.test, {4, 2, 1}, constant);
  CHECK(f.hr == 1);
  CHECK(f.ndcg == Approx(gain(4)));
  // Two negatives: rank 3.
  CHECK(f.hr_sampled == 1);
  CHECK(f.ndcg_sampled == Approx(gain(3)));
  CHECK(score_next_item(d, d.test, {3, 100, 1}, constant).hr == 0);
}

TEST_CASE("next-item: the validation part ranks among movies unrated in training", "[next-item]") {
  // The validation target is 1; the test movie 2 is unknown then, so it is a candidate.
  const dataset d = last_split(4, {{{0}, 1, 2}});
  const next_item_figures f = score_next_item(d, d.validation, {1, 100, 1}, table_scorer({{0, 5, 6, 1}}));
  CHECK(f.users == 1);
  CHECK(f.hr == 0);
  CHECK(f.ndcg == 0);
  CHECK(score_next_item(d, d.validation, {2, 100, 1}, table_scorer({{0, 5, 6, 1}})).ndcg == Approx(gain(2)));
}

TEST_CASE("next-item: sampled negatives are distinct, unrated, seeded by seed and user", "[next-item]") {
  std::vector<user_story> users;
  for (std::int32_t u = 0; u < 30; ++u) users.push_back({{u, u + 1, u + 2}, u + 3, u + 4});
  const dataset d = last_split(60, users);
  for (const int negatives : {1, 10, 55, 200}) {
    CAPTURE(negatives);
    for (std::int32_t u = 0; u < 30; ++u) {
      CAPTURE(u);
      const std::vector<std::int32_t> drawn = sampled_negatives(d, d.test, u, {10, negatives, 7});
      // 60 movies less the four the user rated and the target.
      CHECK(drawn.size() == static_cast<std::size_t>(std::min(negatives, 55)));
      const std::set<std::int32_t> distinct(drawn.begin(), drawn.end());
      CHECK(distinct.size() == drawn.size());
      for (const std::int32_t c : drawn) {
        CHECK((c >= 0 && c < 60));
        CHECK((c < u || c > u + 4));
      }
      CHECK(sampled_negatives(d, d.test, u, {10, negatives, 7}) == drawn);
    }
  }
  // Another seed, or another user with the same candidates, draws others.
  const auto of = [&](std::int32_t u, std::uint64_t seed) {
    return sampled_negatives(d, d.test, u, {10, 10, seed});
  };
  CHECK(of(0, 7) != of(0, 8));
  const dataset twins = last_split(60, {{{0}, 1, 2}, {{0}, 1, 2}});
  CHECK(sampled_negatives(twins, twins.test, 0, {10, 10, 7}) !=
        sampled_negatives(twins, twins.test, 1, {10, 10, 7}));
}

TEST_CASE("next-item: the sampled rank counts exactly the drawn negatives above the target", "[next-item]") {
  std::vector<user_story> users;
  for (std::int32_t u = 0; u < 40; ++u) users.push_back({{u % 7, 7 + u % 5}, 12 + u % 3, 20 + u % 9});
  const dataset d = last_split(50, users);
  // Rated movies score highest (a leak would show), the target in the middle of the rest.
  std::vector<std::vector<float>> table(40, std::vector<float>(50));
  for (std::size_t u = 0; u < 40; ++u) {
    for (std::size_t c = 0; c < 50; ++c) table[u][c] = static_cast<float>((c * 7 + u * 3) % 50);
    for (const std::int32_t c : d.test.input.row_cols(static_cast<std::int32_t>(u)))
      table[u][static_cast<std::size_t>(c)] = 1000;
  }
  const next_item_options options{3, 5, 11};
  double hr = 0, ndcg = 0;
  for (std::int32_t u = 0; u < 40; ++u) {
    const float target =
        table[static_cast<std::size_t>(u)][static_cast<std::size_t>(d.test.target.row_cols(u)[0])];
    int rank = 1;
    for (const std::int32_t c : sampled_negatives(d, d.test, u, options))
      rank += table[static_cast<std::size_t>(u)][static_cast<std::size_t>(c)] >= target;
    if (rank <= options.k) {
      hr += 1;
      ndcg += gain(rank);
    }
  }
  const next_item_figures f = score_next_item(d, d.test, options, table_scorer(table));
  CHECK(f.hr_sampled == Approx(hr / 40));
  CHECK(f.ndcg_sampled == Approx(ndcg / 40));
  CHECK(f.hr_sampled > 0);
  CHECK(f.hr_sampled < 1);
}

TEST_CASE("next-item: histories are the training order, then the validation movie", "[next-item]") {
  const dataset d = last_split(8, {{{5, 2, 7}, 0, 3}, {{1}, 6, 4}});
  CHECK(history_for(d, d.test, 0) == std::vector<std::int32_t>{5, 2, 7, 0});
  CHECK(history_for(d, d.validation, 0) == std::vector<std::int32_t>{5, 2, 7});
  CHECK(history_for(d, d.test, 1) == std::vector<std::int32_t>{1, 6});
  // The scorer receives them with its users.
  std::vector<std::vector<std::int32_t>> seen;
  score_next_item(d, d.test, {}, [&](auto, std::span<const std::vector<std::int32_t>> histories, auto) {
    seen.assign(histories.begin(), histories.end());
  });
  CHECK(seen == std::vector<std::vector<std::int32_t>>{{5, 2, 7, 0}, {1, 6}});
}

TEST_CASE("next-item: popularity and Markov baselines score by their counts", "[next-item]") {
  // Training orders: 0 1 2, 0 1 3 and 1 2: transitions 0>1 twice, 1>2 twice,
  // 1>3 once; training ratings per movie 2, 3, 2, 1, 0, 0.
  const dataset d = last_split(6, {{{0, 1, 2}, 4, 5}, {{0, 1, 3}, 2, 4}, {{1, 2}, 5, 3}});
  const auto scores_of = [&](const next_item_scorer& s, std::vector<std::int32_t> history) {
    std::vector<float> out(6);
    const std::int32_t user = 0;
    s(std::span(&user, 1), std::span(&history, 1), out);
    return out;
  };
  CHECK(scores_of(popularity_scorer(d), {}) == std::vector<float>{2, 3, 2, 1, 0, 0});
  const next_item_scorer markov = markov_scorer(d);
  const std::vector<float> after1 = scores_of(markov, {0, 1});
  const std::vector<float> counts_after1 = {0, 0, 2, 1, 0, 0};
  for (std::size_t c = 0; c < 6; ++c) {
    CAPTURE(c);
    CHECK(std::floor(after1[c]) == counts_after1[c]);
  }
  // Popularity breaks ties: 2 (count 2) > 3 (count 1) > 1 (popularity 3) > 0 (2) > 4 = 5.
  CHECK(after1[2] > after1[3]);
  CHECK(after1[3] > after1[1]);
  CHECK(after1[1] > after1[0]);
  CHECK(after1[0] > after1[4]);
  CHECK(after1[4] == after1[5]);
  // No transitions from 4, and no history: popularity's order.
  for (const std::vector<std::int32_t>& h : {std::vector<std::int32_t>{4}, std::vector<std::int32_t>{}}) {
    const std::vector<float> s = scores_of(markov, h);
    CHECK(s[1] > s[0]);
    CHECK(s[0] == s[2]);
    CHECK(s[2] > s[3]);
    CHECK(s[3] > s[4]);
    CHECK(s[1] < 1);
  }
  // The test histories end in the validation movies 4, 2 and 5, none followed
  // by anything in training, so both rank by popularity: user 0's target 5
  // below 3, user 1's 4 tied with 5, user 2's 3 below 0: each second.
  for (const next_item_scorer& s : {markov, popularity_scorer(d)}) {
    const next_item_figures one = score_next_item(d, d.test, {1, 100, 1}, s);
    CHECK(one.users == 3);
    CHECK(one.hr == 0);
    const next_item_figures two = score_next_item(d, d.test, {2, 100, 1}, s);
    CHECK(two.hr == 1);
    CHECK(two.ndcg == Approx(gain(2)));
  }
}

TEST_CASE("next-item: the Markov chain finds a transition that popularity misses", "[next-item]") {
  // Orders 0 1, 0 1 3, 2 4, 2 5: transitions 0>1 twice, 1>3, 2>4, 2>5;
  // training ratings per movie 2, 2, 2, 1, 1, 1.
  const dataset d = last_split(6, {{{0, 1}, 3, 5}, {{0, 1, 3}, 2, 4}, {{2, 4}, 0, 1}, {{2, 5}, 3, 4}});
  // Validation ranks by hand. User 0 (after 1, target 3): the chain's 1>3 puts
  // it first; by popularity 2 is above it and 4, 5 tie with it: fourth. User
  // 1 (after 3, nothing follows; target 2 the most popular): first for both.
  // User 2 (after 4; target 0 ties with 1): second for both. User 3 (after 5;
  // target 3 below 0 and 1, tied with 4): fourth for both.
  const next_item_figures chain = score_next_item(d, d.validation, {4, 100, 1}, markov_scorer(d));
  const next_item_figures popular = score_next_item(d, d.validation, {4, 100, 1}, popularity_scorer(d));
  CHECK(chain.ndcg == Approx((gain(1) + gain(1) + gain(2) + gain(4)) / 4));
  CHECK(popular.ndcg == Approx((gain(4) + gain(1) + gain(2) + gain(4)) / 4));
  CHECK(score_next_item(d, d.validation, {1, 100, 1}, markov_scorer(d)).hr == 0.5);
  CHECK(score_next_item(d, d.validation, {1, 100, 1}, popularity_scorer(d)).hr == 0.25);
}

TEST_CASE("next-item: what cannot be scored is refused by name", "[next-item]") {
  dataset d = last_split(5, {{{0}, 1, 2}});
  const next_item_scorer any = popularity_scorer(d);
  for (const next_item_options& bad : {next_item_options{0, 100, 1}, next_item_options{10, 0, 1}}) {
    const auto e = error_from([&] { score_next_item(d, d.test, bad, any); });
    REQUIRE(e);
    CHECK(code_name(*e) == "invalid_argument");
    CHECK_THAT(e->what(), Contains("k and negatives"));
  }
  dataset two_targets = d;
  two_targets.test.target = ratings(1, 5, std::vector<rating_entry>{{0, 2, 3}, {0, 3, 4}});
  const auto t = error_from([&] { score_next_item(two_targets, two_targets.test, {}, any); });
  REQUIRE(t);
  CHECK_THAT(t->what(), Contains("user 100 has 2"));
  dataset unordered = d;
  unordered.train_order.clear();
  unordered.split = "random:0.1";
  const auto o = error_from([&] { score_next_item(unordered, unordered.test, {}, any); });
  REQUIRE(o);
  CHECK(code_name(*o) == "invalid_argument");
  CHECK_THAT(o->what(), Contains("split last") && Contains("random:0.1"));
}
