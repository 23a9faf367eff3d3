// The next-item loss: the mean softmax cross-entropy over targeted steps
// against its definition written here, its gradient against central
// differences, padding steps counting nothing, and the targets it refuses.
#include <catch2/catch.hpp>
#include <cmath>

#include "aerec/backend/cpu_backend.h"
#include "aerec/core/error.h"
#include "aerec/nn/next_item_loss.h"
#include "expect_error.h"
#include "gradient_check.h"

using namespace aerec;
using Catch::Matchers::Contains;

namespace {

// The definition, in double: -log softmax(z)_t over the targeted steps, averaged.
double naive_loss(const std::vector<float>& z, const std::vector<std::int32_t>& t, int items) {
  double sum = 0;
  int rated = 0;
  for (std::size_t s = 0; s < t.size(); ++s) {
    if (t[s] < 0) continue;
    double partition = 0;
    for (int j = 0; j < items; ++j) partition += std::exp(double(z[s * items + j]));
    sum += std::log(partition) - z[s * items + static_cast<std::size_t>(t[s])];
    ++rated;
  }
  return sum / rated;
}

}  // namespace

TEST_CASE("next_item_loss is the mean cross-entropy over targeted steps, its gradient exact",
          "[next_item][gradient]") {
  const int rows = 3, steps = 4, items = 7;
  const std::vector<std::int32_t> targets = {0, 6, -1, 3, 2, 5, 5, 1, -1, -1, -1, -1};
  for (const int threads : {1, 3}) {
    auto b = make_cpu_backend(threads);
    rng random(3);
    // Large logits too: the row maximum must be subtracted for e^z to stay finite.
    std::vector<float> z = testing::random_vector(random, rows * steps * items, -3, 3);
    z[5] = 95;
    device_array<std::int32_t> t(*b, targets.size());
    t.upload(targets);
    std::vector<float> grad(z.size(), NAN);
    next_item_loss loss(*b);
    const loss_value v = loss.evaluate({z.data(), rows, steps * items}, items, t.data(), grad.data());
    CHECK(v.rated == 7);
    CHECK(v.loss == Approx(naive_loss(z, targets, items)).epsilon(1e-6));
    REQUIRE(v.row_sums.size() == rows);
    CHECK(v.row_sums[2] == 0);  // every step padded
    CHECK((v.row_sums[0] + v.row_sums[1]) / 7 == Approx(v.loss).epsilon(1e-6));
    const auto f = [&] {
      return loss.evaluate({z.data(), rows, steps * items}, items, t.data(), nullptr).loss;
    };
    for (std::size_t i = 0; i < z.size(); ++i) {
      if (targets[i / items] < 0) {
        REQUIRE(grad[i] == 0);
        continue;
      }
      testing::require_close(grad[i], testing::central_difference(z[i], f, 1e-2f),
                             "logit " + std::to_string(i));
    }
  }
}

TEST_CASE("next_item_loss refuses targets outside -1..items-1 and a width that is not steps of items",
          "[next_item]") {
  auto b = make_cpu_backend(1);
  next_item_loss loss(*b);
  std::vector<float> z(2 * 2 * 3, 0.5f);
  for (const std::int32_t bad : {-2, 3}) {
    device_array<std::int32_t> t(*b, 4);
    t.upload(std::vector<std::int32_t>{0, 1, 2, bad});
    const auto e = testing::error_from([&] { loss.evaluate({z.data(), 2, 6}, 3, t.data(), nullptr); });
    REQUIRE(e);
    CHECK(e->code() == error_code::invalid_argument);
    CHECK_THAT(e->what(), Contains("row 1, step 1") && Contains(std::to_string(bad)));
  }
  device_array<std::int32_t> t(*b, 4);
  t.upload(std::vector<std::int32_t>{0, 1, 2, 0});
  const auto e = testing::error_from([&] { loss.evaluate({z.data(), 2, 6}, 4, t.data(), nullptr); });
  REQUIRE(e);
  CHECK_THAT(e->what(), Contains("not steps of 4 items"));
}

TEST_CASE("next_item_loss of a batch without targets is 0 with a zero gradient", "[next_item]") {
  auto b = make_cpu_backend(1);
  next_item_loss loss(*b);
  std::vector<float> z(2 * 3, 1.5f), grad(z.size(), NAN);
  device_array<std::int32_t> t(*b, 2);
  t.upload(std::vector<std::int32_t>{-1, -1});
  const loss_value v = loss.evaluate({z.data(), 1, 6}, 3, t.data(), grad.data());
  CHECK(v.loss == 0);
  CHECK(v.rated == 0);
  for (const float g : grad) CHECK(g == 0);
}
