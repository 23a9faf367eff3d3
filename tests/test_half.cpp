// The IEEE half-precision converter behind f16 model files.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "io/half.h"

using aerec::float_from_half;
using aerec::half_from_float;

namespace {

std::uint32_t bits(float f) {
  std::uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return u;
}

}  // namespace

TEST_CASE("half: known values both ways", "[half]") {
  const struct {
    std::uint16_t half;
    float value;
  } known[] = {{0x0000, 0.0f},
               {0x3C00, 1.0f},
               {0xC000, -2.0f},
               {0x3555, 0.333251953125f},
               {0x7BFF, 65504.0f},
               {0x0400, std::ldexp(1.0f, -14)},
               {0x0001, std::ldexp(1.0f, -24)},
               {0x03FF, std::ldexp(1023.0f, -24)},
               {0x3C01, 1.0009765625f},
               {0x7C00, std::numeric_limits<float>::infinity()},
               {0xFC00, -std::numeric_limits<float>::infinity()}};
  for (const auto& k : known) {
    CAPTURE(k.half, k.value);
    CHECK(float_from_half(k.half) == k.value);
    CHECK(half_from_float(k.value) == k.half);
  }
  CHECK(half_from_float(-0.0f) == 0x8000);
  CHECK(bits(float_from_half(0x8000)) == bits(-0.0f));
}

TEST_CASE("half: every half converts to a float and back unchanged", "[half]") {
  for (std::uint32_t h = 0; h <= 0xFFFFu; ++h) {
    const auto half = static_cast<std::uint16_t>(h);
    const float f = float_from_half(half);
    CAPTURE(h, f);
    if (std::isnan(f)) {
      CHECK((half & 0x03FFu) != 0);  // only NaN patterns decode to NaN
      CHECK(std::isnan(float_from_half(half_from_float(f))));
      CHECK(std::signbit(f) == ((half & 0x8000u) != 0));
    } else {
      REQUIRE(half_from_float(f) == half);
    }
  }
}

// Between two neighbouring halves: below the midpoint rounds down, above it
// up, and the midpoint itself to the one with an even last bit. Every pair
// of finite neighbours, subnormals included, of both signs.
TEST_CASE("half: rounds to nearest, ties to even, at every midpoint", "[half]") {
  for (std::uint32_t h = 0; h < 0x7BFFu; ++h) {
    for (const std::uint16_t sign : {std::uint16_t{0}, std::uint16_t{0x8000}}) {
      const auto low = static_cast<std::uint16_t>(h | sign),
                 high = static_cast<std::uint16_t>((h + 1) | sign);
      const float a = float_from_half(low), b = float_from_half(high);
      const float mid = (a + b) / 2;  // exact: one more bit than a half has
      CAPTURE(h, sign, a, b, mid);
      REQUIRE(static_cast<double>(mid) == (static_cast<double>(a) + static_cast<double>(b)) / 2);
      REQUIRE(half_from_float(mid) == ((h & 1u) == 0 ? low : high));
      REQUIRE(half_from_float(std::nextafter(mid, a)) == low);
      REQUIRE(half_from_float(std::nextafter(mid, b)) == high);
    }
  }
}

TEST_CASE("half: overflow, infinity and NaN", "[half]") {
  const float inf = std::numeric_limits<float>::infinity();
  CHECK(half_from_float(65504.0f) == 0x7BFF);
  CHECK(half_from_float(65519.996f) == 0x7BFF);  // below the midpoint to 2^16
  CHECK(half_from_float(65520.0f) == 0x7C00);    // the midpoint: ties to the even 2^16, infinity
  CHECK(half_from_float(-65520.0f) == 0xFC00);
  CHECK(half_from_float(1e10f) == 0x7C00);
  CHECK(half_from_float(std::numeric_limits<float>::max()) == 0x7C00);
  CHECK(half_from_float(inf) == 0x7C00);
  CHECK(half_from_float(-inf) == 0xFC00);
  for (const float nan : {std::numeric_limits<float>::quiet_NaN(), -std::numeric_limits<float>::quiet_NaN(),
                          std::numeric_limits<float>::signaling_NaN()}) {
    CAPTURE(bits(nan));
    const std::uint16_t h = half_from_float(nan);
    CHECK((h & 0x7C00u) == 0x7C00u);
    CHECK((h & 0x03FFu) != 0);  // NaN, not infinity, even when the payload's high bits are zero
    CHECK(std::isnan(float_from_half(h)));
    CHECK(std::signbit(float_from_half(h)) == std::signbit(nan));
  }
  // A NaN whose payload lies only in bits a half drops.
  float low_payload;
  const std::uint32_t pattern = 0x7F800001u;
  std::memcpy(&low_payload, &pattern, sizeof low_payload);
  CHECK(std::isnan(float_from_half(half_from_float(low_payload))));
}

TEST_CASE("half: subnormals and underflow", "[half]") {
  const float unit = std::ldexp(1.0f, -24);  // the smallest subnormal half
  CHECK(half_from_float(unit) == 0x0001);
  CHECK(half_from_float(unit / 2) == 0x0000);  // a tie: to even, zero
  CHECK(half_from_float(std::nextafter(unit / 2, 1.0f)) == 0x0001);
  CHECK(half_from_float(-unit / 2) == 0x8000);    // the sign survives underflow
  CHECK(half_from_float(unit * 1.5f) == 0x0002);  // a tie between 1 and 2 units: to 2
  CHECK(half_from_float(unit * 2.5f) == 0x0002);  // between 2 and 3: to 2
  CHECK(half_from_float(std::ldexp(1.0f, -30)) == 0x0000);
  CHECK(half_from_float(std::numeric_limits<float>::denorm_min()) == 0x0000);
  // Rounding up out of the subnormals gives the smallest normal.
  CHECK(half_from_float(std::ldexp(1023.5f, -24)) == 0x0400);
  CHECK(half_from_float(std::ldexp(1.0f, -14)) == 0x0400);
  for (std::uint16_t m = 1; m < 0x0400; ++m)
    CHECK(float_from_half(m) == std::ldexp(static_cast<float>(m), -24));
}
