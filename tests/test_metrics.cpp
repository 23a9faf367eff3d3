// Test figures on a hand-worked example.
#include <catch2/catch.hpp>
#include <cmath>

#include "aerec/backend/cpu_backend.h"
#include "aerec/eval/metrics.h"

using namespace aerec;

namespace {

// Three users, three items; user 2 has no test ratings and must not count.
ratings test_ratings() {
  const std::vector<rating_entry> e = {{0, 0, 4}, {0, 1, 2}, {1, 2, 5}};
  return ratings(3, 3, e);
}

}  // namespace

TEST_CASE("RMSE, MAE and the seed's per-user loss, with clipping", "[metrics]") {
  const ratings target = test_ratings();
  std::vector<std::int32_t> asked;
  const rating_metrics m = score(target, {1, 5}, [&](std::span<const std::int32_t> rows) {
    asked.assign(rows.begin(), rows.end());
    std::vector<float> p;
    for (const std::int32_t r : rows) {
      if (r == 0) p.insert(p.end(), {4.5f, 0.5f, 9.0f});  // 0.5 clips to 1
      if (r == 1) p.insert(p.end(), {9.0f, 9.0f, 6.0f});  // 6 clips to 5
    }
    return p;
  });
  REQUIRE(asked == std::vector<std::int32_t>{0, 1});
  // Clipped errors: user 0: +0.5, -1; user 1: 0.
  REQUIRE(m.ratings == 3);
  REQUIRE(m.users == 2);
  REQUIRE(m.rmse == Approx(std::sqrt(1.25 / 3)));
  REQUIRE(m.mae == Approx(1.5 / 3));
  REQUIRE(m.seed_loss == Approx((std::sqrt(1.25 / 2) + 0) / 2));
  // Unclipped errors, as the seed computes them: user 0: +0.5, -1.5; user 1: +1.
  REQUIRE(m.seed_loss_unclipped == Approx((std::sqrt(2.5 / 2) + 1) / 2));
}

TEST_CASE("the global-mean baseline predicts the mean training rating", "[metrics]") {
  const std::vector<rating_entry> train_entries = {{0, 1, 1}, {1, 0, 4}, {2, 2, 4}};  // mean 3
  const ratings train(3, 3, train_entries);
  const rating_metrics m = evaluate_global_mean(train, test_ratings(), {1, 5});
  // Errors 3-4, 3-2, 3-5.
  REQUIRE(m.rmse == Approx(std::sqrt((1 + 1 + 4) / 3.0)));
  REQUIRE(m.mae == Approx(4.0 / 3));
}

TEST_CASE("a model's figures from its outputs at the test entries alone", "[metrics]") {
  // evaluate() computes only the test entries' outputs; the figures are those
  // of the full predictions.
  auto b = make_cpu_backend();
  const std::vector<int> hidden = {4, 2, 4};
  autoencoder net(*b, stacked_layers(3, hidden, activation::sigmoid, activation::identity));
  rng random(3);
  net.initialize(init_scheme::pytorch, random);
  const ratings input(3, 3, std::vector<rating_entry>{{0, 2, 3}, {1, 0, 1}, {2, 1, 4}});
  const ratings target = test_ratings();
  const rating_metrics at = evaluate(net, input, target, {1, 5});
  const rating_metrics full = score(target, {1, 5}, [&](std::span<const std::int32_t> rows) {
    return net.predict(gather_rows(input, rows));
  });
  CHECK(at.ratings == full.ratings);
  CHECK(at.users == full.users);
  CHECK(at.rmse == Approx(full.rmse).epsilon(1e-6));
  CHECK(at.mae == Approx(full.mae).epsilon(1e-6));
  CHECK(at.seed_loss_unclipped == Approx(full.seed_loss_unclipped).epsilon(1e-6));
}
