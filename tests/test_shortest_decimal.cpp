#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <random>

#include "aerec/core/shortest_decimal.h"

using aerec::shortest_decimal;

TEST_CASE("shortest_decimal gives a float's fewest digits, which read back as the same float", "[core]") {
  REQUIRE(shortest_decimal(0.1f) == 0.1);
  REQUIRE(shortest_decimal(3.72f) == 3.72);
  REQUIRE(shortest_decimal(-1e-5f) == -1e-5);
  REQUIRE(shortest_decimal(4.0f) == 4.0);
  REQUIRE(std::isnan(shortest_decimal(std::numeric_limits<float>::quiet_NaN())));
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> mantissa(-1, 1);
  std::uniform_int_distribution<int> exponent(-30, 30);
  for (int k = 0; k < 10000; ++k) {
    const float v = std::ldexp(mantissa(rng), exponent(rng));
    REQUIRE(static_cast<float>(shortest_decimal(v)) == v);
  }
}
