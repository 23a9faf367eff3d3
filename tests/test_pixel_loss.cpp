// Per-pixel losses (nn.BCELoss and nn.MSELoss with mean reduction): values
// and gradients against the formulas computed here in double, central
// differences, the BCE's clamp at p = 0 and 1, and what they refuse.
#include <catch2/catch.hpp>
#include <cmath>

#include "aerec/backend/cpu_backend.h"
#include "aerec/core/error.h"
#include "aerec/nn/pixel_loss.h"
#include "gradient_check.h"

using namespace aerec;

namespace {

constexpr int rows = 3, cols = 7;
constexpr std::size_t n = rows * cols;

double bce(double p, double t) {
  return -(t * std::max(std::log(p), -100.0) + (1 - t) * std::max(std::log(1 - p), -100.0));
}
double bce_grad(double p, double t) { return (p - t) / std::max(p * (1 - p), 1e-12) / n; }

}  // namespace

TEST_CASE("pixel losses are PyTorch's BCELoss and MSELoss, their means and gradients", "[pool][loss]") {
  auto b = make_cpu_backend(1);
  rng random(3);
  std::vector<float> p = testing::random_vector(random, n, 0.05f, 0.95f);
  const std::vector<float> t = testing::random_vector(random, n, 0, 1);
  for (const pixel_loss_kind kind : {pixel_loss_kind::bce, pixel_loss_kind::mse}) {
    CAPTURE(pixel_loss_name(kind));
    const bool is_bce = kind == pixel_loss_kind::bce;
    pixel_loss loss(*b, kind);
    std::vector<float> grad(n);
    const loss_value v = loss.evaluate({p.data(), rows, cols}, {t.data(), rows, cols}, grad.data());
    REQUIRE(v.rated == n);
    REQUIRE(v.row_sums.size() == std::size_t(rows));
    double total = 0;
    for (int r = 0; r < rows; ++r) {
      double row = 0;
      for (int j = 0; j < cols; ++j) {
        const std::size_t i = std::size_t(r * cols + j);
        row += is_bce ? bce(p[i], t[i]) : (p[i] - t[i]) * (p[i] - static_cast<double>(t[i]));
      }
      CHECK(v.row_sums[std::size_t(r)] == Approx(row).epsilon(1e-6));
      total += row;
    }
    CHECK(v.loss == Approx(total / n).epsilon(1e-6));
    for (std::size_t i = 0; i < n; ++i) {
      const double expected = is_bce ? bce_grad(p[i], t[i]) : 2 * (p[i] - static_cast<double>(t[i])) / n;
      CHECK(grad[i] == Approx(expected).epsilon(1e-5));
    }
    const auto f = [&] {
      return loss.evaluate({p.data(), rows, cols}, {t.data(), rows, cols}, nullptr).loss;
    };
    for (std::size_t i = 0; i < n; ++i)
      testing::require_close(grad[i], testing::central_difference(p[i], f, 1e-3f),
                             std::string(pixel_loss_name(kind)) + " grad[" + std::to_string(i) + "]");
  }
}

TEST_CASE("BCE stays finite at p = 0 and p = 1: each log is clamped to -100, as PyTorch", "[pool][loss]") {
  auto b = make_cpu_backend(1);
  pixel_loss loss(*b, pixel_loss_kind::bce);
  const std::vector<float> p = {0, 1, 0, 1}, t = {0.25f, 0.25f, 0, 1};
  std::vector<float> grad(4);
  const loss_value v = loss.evaluate({p.data(), 1, 4}, {t.data(), 1, 4}, grad.data());
  // 0.25 * 100 at p = 0, 0.75 * 100 at p = 1, nothing where p is the target.
  CHECK(v.loss == Approx((25.0 + 75.0) / 4));
  for (const float g : grad) CHECK(std::isfinite(g));
  CHECK(grad[0] < 0);
  CHECK(grad[1] > 0);
  CHECK(grad[2] == 0);
  CHECK(grad[3] == 0);
}

TEST_CASE("pixel losses refuse a target of another shape, and are parsed by name", "[pool][loss]") {
  auto b = make_cpu_backend(1);
  pixel_loss loss(*b, pixel_loss_kind::mse);
  const std::vector<float> p(n, 0.5f);
  REQUIRE_THROWS_AS(loss.evaluate({p.data(), rows, cols}, {p.data(), cols, rows}, nullptr), error);
  REQUIRE_THROWS_AS(loss.evaluate({p.data(), rows, cols}, {p.data(), rows - 1, cols}, nullptr), error);
  CHECK(parse_pixel_loss("bce") == pixel_loss_kind::bce);
  CHECK(parse_pixel_loss(pixel_loss_name(pixel_loss_kind::mse)) == pixel_loss_kind::mse);
  CHECK_THROWS_WITH(parse_pixel_loss("l1"), Catch::Contains("known: bce, mse"));
}
