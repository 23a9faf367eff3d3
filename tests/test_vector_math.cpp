// The CPU's vector exponentials (backend/cpu/vector_math.h), eight at a time,
// against libm's: the sigmoid, softmax and LSTM gates take exp8, SELU and ELU
// expm1_8, the LSTM's cells tanh8.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "backend/cpu/vector_math.h"

using namespace aerec;

namespace {

// |a - b| in units of b's last place.
double ulps(float a, float b) {
  return std::abs(static_cast<double>(a) - b) / std::abs(std::nextafter(b, INFINITY) - b);
}

// Magnitudes from tiny to lim, of both signs, and [-lim, lim] finely.
std::vector<float> sweep(float lim) {
  std::vector<float> xs;
  for (float x = 1e-30f; x < lim; x *= 1.0137f) xs.push_back(x), xs.push_back(-x);
  for (float x = -lim; x < lim; x += 1.0f / 1024) xs.push_back(x);
  xs.resize(xs.size() / 8 * 8);
  return xs;
}

// The most ulps f8 is from f over xs where libm's result is finite and in range.
template <class F8, class F>
double worst_ulps(const std::vector<float>& xs, F8 f8, F f) {
  double worst = 0;
  for (std::size_t i = 0; i < xs.size(); i += 8) {
    const cpu::float8 y = f8(cpu::load8(xs.data() + i));
    for (int k = 0; k < 8; ++k) {
      const float x = xs[i + static_cast<std::size_t>(k)], want = f(x);
      if (std::isfinite(want) && std::abs(want) >= 1.17549435e-38f) worst = std::max(worst, ulps(y[k], want));
    }
  }
  return worst;
}

}  // namespace

TEST_CASE("the CPU's vector exp is libm's to 2 ulp", "[activation]") {
  CHECK(worst_ulps(sweep(87), cpu::exp8, [](float x) { return std::exp(x); }) <= 2);
  const cpu::float8 y = cpu::exp8(cpu::float8{0.0f, -0.0f, 1e-40f, -200.0f, 200.0f, 88.0f, NAN, -1e-7f});
  CHECK(y[0] == 1);
  CHECK(y[1] == 1);
  CHECK(y[2] == 1);
  CHECK(y[3] < 1e-37f);
  CHECK(std::isfinite(y[4]));
  CHECK(ulps(y[5], std::exp(88.0f)) <= 2);
  CHECK(std::isnan(y[6]));
}

// SELU and ELU for z < 0: e^z - 1 keeps its precision near 0, where e^z - 1
// taken apart would lose it, and goes to -1 far below.
TEST_CASE("the CPU's vector expm1 is libm's to 3 ulp, near 0 too", "[activation]") {
  CHECK(worst_ulps(sweep(88), cpu::expm1_8, [](float x) { return std::expm1(x); }) <= 3);
  const cpu::float8 y = cpu::expm1_8(cpu::float8{0.0f, -0.0f, 1e-40f, -1e-40f, -200.0f, -17.5f, NAN, 3e-8f});
  CHECK(y[0] == 0);
  CHECK(y[1] == 0);
  CHECK(y[2] > 0);
  CHECK(y[3] < 0);
  CHECK(y[4] == -1);
  CHECK(y[5] == std::expm1(-17.5f));
  CHECK(std::isnan(y[6]));
  CHECK(ulps(y[7], std::expm1(3e-8f)) <= 1);
}

// The LSTM's gates and cells meet the whole range: tiny values and the
// saturated tails included, and NaN stays NaN.
TEST_CASE("the CPU's vector tanh is libm's to 4 ulp", "[activation][lstm]") {
  CHECK(worst_ulps(sweep(12), cpu::tanh8, [](float x) { return std::tanh(x); }) <= 4);
  const cpu::float8 edge{0.0f, INFINITY, -INFINITY, NAN, 9.5f, -30.0f, 1e-40f, -0.25f};
  const cpu::float8 y = cpu::tanh8(edge);
  CHECK(y[0] == 0);
  CHECK(y[1] == 1);
  CHECK(y[2] == -1);
  CHECK(std::isnan(y[3]));
  CHECK(y[4] == 1);
  CHECK(y[5] == -1);
  CHECK(ulps(y[7], std::tanh(-0.25f)) <= 4);
}
