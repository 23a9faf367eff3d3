// Masked MSE: values by hand, gradients against central differences.
#include <catch2/catch.hpp>
#include <cmath>

#include "aerec/backend/cpu_backend.h"
#include "aerec/core/error.h"
#include "aerec/data/sparse_batch.h"
#include "aerec/nn/loss.h"
#include "gradient_check.h"

using namespace aerec;

namespace {

// Two users over four items: user 0 rated items 1 and 3, user 1 rated item 0.
sparse_batch targets() {
  sparse_batch t;
  t.cols = 4;
  t.append_row(std::vector<std::int32_t>{1, 3}, std::vector<float>{4, 2});
  t.append_row(std::vector<std::int32_t>{0}, std::vector<float>{5});
  return t;
}

}  // namespace

TEST_CASE("masked MSE counts only rated entries", "[loss]") {
  auto b = make_cpu_backend();
  device_sparse target;
  target.assign(*b, targets());
  std::vector<float> output = {9, 3, 9, 3,   // errors at items 1 and 3: -1, +1
                               2, 9, 9, 9};  // error at item 0: -3
  std::vector<float> grad(8, 123.0f);
  const const_matrix_view out(output.data(), 2, 4);
  const matrix_view g{grad.data(), 2, 4};

  SECTION("divided by every output entry, as PyTorch's MSELoss in the seed") {
    masked_mse loss(*b, loss_normalization::all_entries);
    const loss_value v = loss.evaluate(out, target.view(), g);
    REQUIRE(v.loss == Approx((1.0 + 1.0 + 9.0) / 8.0));
    REQUIRE(v.rated == 3);
    REQUIRE(v.row_sums == std::vector<float>{2, 9});
    // dL/do = 2 (o - t) / 8 at rated entries, 0 elsewhere (unrated outputs are masked out).
    REQUIRE(grad == std::vector<float>{0, -0.25f, 0, 0.25f, -0.75f, 0, 0, 0});
  }

  SECTION("divided by the rated entries") {
    masked_mse loss(*b, loss_normalization::rated_entries);
    REQUIRE(loss.evaluate(out, target.view(), g).loss == Approx(11.0 / 3.0));
    REQUIRE(grad[1] == Approx(2.0 * -1.0 / 3.0));
  }
}

TEST_CASE("masked MSE gradient matches central differences", "[loss][gradient]") {
  auto b = make_cpu_backend();
  device_sparse target;
  target.assign(*b, targets());
  rng random(5);
  std::vector<float> output = testing::random_vector(random, 8, 0, 6);
  std::vector<float> grad(8);
  for (const loss_normalization n : {loss_normalization::all_entries, loss_normalization::rated_entries}) {
    masked_mse loss(*b, n);
    std::vector<float> scratch(8);
    const auto f = [&] {
      return loss.evaluate({output.data(), 2, 4}, target.view(), {scratch.data(), 2, 4}).loss;
    };
    loss.evaluate({output.data(), 2, 4}, target.view(), {grad.data(), 2, 4});
    for (std::size_t i = 0; i < output.size(); ++i)
      testing::require_close(grad[i], testing::central_difference(output[i], f, 1e-2f),
                             std::string(loss_normalization_name(n)) + " output[" + std::to_string(i) + "]");
  }
}

TEST_CASE("a batch with nothing rated has zero loss and gradient", "[loss]") {
  auto b = make_cpu_backend();
  sparse_batch empty;
  empty.cols = 3;
  empty.append_row({}, {});
  device_sparse target;
  target.assign(*b, empty);
  std::vector<float> output = {1, 2, 3}, grad(3, 7.0f);
  masked_mse loss(*b, loss_normalization::rated_entries);
  REQUIRE(loss.evaluate({output.data(), 1, 3}, target.view(), {grad.data(), 1, 3}).loss == 0);
  REQUIRE(grad == std::vector<float>{0, 0, 0});
}

TEST_CASE("loss normalisation names round trip", "[loss]") {
  for (const auto n : {loss_normalization::all_entries, loss_normalization::rated_entries})
    REQUIRE(parse_loss_normalization(loss_normalization_name(n)) == n);
  REQUIRE_THROWS_AS(parse_loss_normalization("mean"), error);
}

TEST_CASE("the multinomial likelihood: values by hand, gradients against central differences",
          "[loss][gradient]") {
  auto b = make_cpu_backend();
  device_sparse target;
  target.assign(*b, targets());
  std::vector<float> logits = {0.5f, -1, 2, 0.25f, 1, 0, -0.5f, 3};
  std::vector<float> grad(8);
  multinomial_nll loss(*b);
  const auto f = [&] {
    return loss.evaluate({logits.data(), 2, 4}, target.view(), {grad.data(), 2, 4}).loss;
  };
  // Each rated item counts once, whatever its rating: -log p(1) - log p(3), then -log p(0).
  const auto log_softmax = [&](int row, int col) {
    double sum = 0;
    for (int j = 0; j < 4; ++j) sum += std::exp(logits[static_cast<std::size_t>(row * 4 + j)]);
    return logits[static_cast<std::size_t>(row * 4 + col)] - std::log(sum);
  };
  const double row0 = -log_softmax(0, 1) - log_softmax(0, 3), row1 = -log_softmax(1, 0);
  const loss_value v = loss.evaluate({logits.data(), 2, 4}, target.view(), {grad.data(), 2, 4});
  REQUIRE(v.loss == Approx((row0 + row1) / 2));
  REQUIRE(v.row_sums[0] == Approx(row0));
  REQUIRE(v.row_sums[1] == Approx(row1));
  const std::vector<float> analytic = grad;
  for (std::size_t i = 0; i < logits.size(); ++i)
    testing::require_close(analytic[i], testing::central_difference(logits[i], f, 1e-2f),
                           "logit " + std::to_string(i));
  // A huge logit does not overflow: log-sum-exp is taken from the largest.
  logits[0] = 1e4f;
  REQUIRE(std::isfinite(f()));
}
