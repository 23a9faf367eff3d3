// Per-pixel losses (nn.BCELoss and nn.MSELoss with mean reduction): values
// and gradients against the formulas computed here in double, central
// differences, the BCE's clamp at p = 0 and 1, and what they refuse.
#include <catch2/catch.hpp>
#include <cmath>

#include "aerec/backend/cpu_backend.h"
#include "aerec/core/error.h"
#include "aerec/nn/pixel_loss.h"
#include "backend/cpu/vector_math.h"
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

// The CPU's BCE takes its logs eight at a time (backend/cpu/vector_math.h):
// within 2 ulp of libm's over the whole range a sigmoid gives and beyond,
// denormals included, and libm's answers at 0, 1, infinity, below 0 and NaN.
TEST_CASE("the CPU's vector log and log1p are libm's to 2 ulp", "[pool][loss]") {
  const auto ulps = [](float a, float b) {
    return std::abs(static_cast<double>(a) - b) / std::abs(std::nextafter(b, INFINITY) - b);
  };
  std::vector<float> xs;
  for (float x = 1e-44f; x < 3e38f; x = std::max(x * 1.0137f, std::nextafter(x, INFINITY))) xs.push_back(x);
  for (float x = 0; x < 1; x += 1.0f / 4096) xs.push_back(x);
  double worst_log = 0, worst_log1p = 0;
  for (std::size_t i = 0; i + 8 <= xs.size(); i += 8) {
    const cpu::float8 x = cpu::load8(xs.data() + i), y = cpu::log8(x),
                      z = cpu::log1p8(-cpu::select(x > 1.0f, cpu::float8{} + 1.0f, x));
    for (int k = 0; k < 8; ++k) {
      const float v = x[k], q = -std::min(v, 1.0f);
      if (v > 0) worst_log = std::max(worst_log, ulps(y[k], std::log(v)));
      if (q > -1) worst_log1p = std::max(worst_log1p, ulps(z[k], std::log1p(q)));
    }
  }
  CHECK(worst_log <= 2);
  CHECK(worst_log1p <= 2);
  const cpu::float8 edge{0.0f, 1.0f, INFINITY, -1.0f, NAN, -0.0f, 1e-45f, 0.5f};
  const cpu::float8 y = cpu::log8(edge), z = cpu::log1p8(-edge);
  for (int k = 0; k < 8; ++k) {
    CAPTURE(edge[k]);
    const float expected = std::log(edge[k]), expected1p = std::log1p(-edge[k]);
    CHECK((std::isnan(expected) ? std::isnan(y[k]) : y[k] == expected));
    CHECK((std::isnan(expected1p) ? std::isnan(z[k]) : z[k] == expected1p || ulps(z[k], expected1p) <= 2));
  }
}

// Denoising's Gaussian noise takes the sines and cosines of its Box-Muller
// angles eight at a time (backend/cpu/vector_math.h): within 3e-7 of
// sin(2 pi u) and cos(2 pi u) in double over every u the generator draws
// near the quarter turns and a grid over [0, 1), and exact at the quarter turns.
TEST_CASE("the CPU's vector sine and cosine of turns are within 3e-7", "[noise]") {
  std::vector<float> us;
  for (int k = 0; k < (1 << 16); ++k) us.push_back(static_cast<float>(k) / (1 << 16));
  for (const float quarter : {0.0f, 0.25f, 0.5f, 0.75f})
    for (int k = -64; k < 64; ++k)
      if (const float u = quarter + static_cast<float>(k) * 0x1.0p-24f; u >= 0) us.push_back(u);
  us.push_back(1.0f - 0x1.0p-24f);
  while (us.size() % 8) us.push_back(0.125f);
  double worst = 0;
  for (std::size_t i = 0; i < us.size(); i += 8) {
    cpu::float8 s, c;
    cpu::sincos_turns8(cpu::load8(us.data() + i), s, c);
    for (int k = 0; k < 8; ++k) {
      const double angle = 2 * M_PI * static_cast<double>(us[i + k]);
      worst = std::max({worst, std::abs(s[k] - std::sin(angle)), std::abs(c[k] - std::cos(angle))});
    }
  }
  CHECK(worst <= 3e-7);
  cpu::float8 s, c;
  cpu::sincos_turns8(cpu::float8{0.0f, 0.25f, 0.5f, 0.75f, 0.0f, 0.25f, 0.5f, 0.75f}, s, c);
  const float sine[4] = {0, 1, 0, -1}, cosine[4] = {1, 0, -1, 0};
  for (int k = 0; k < 8; ++k) {
    CHECK(s[k] == sine[k % 4]);
    CHECK(c[k] == cosine[k % 4]);
  }
}
