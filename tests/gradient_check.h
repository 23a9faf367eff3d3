#pragma once
// Central-difference gradient checking (the CPU backend's memory is host
// memory, so tests perturb parameters in place).
#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "aerec/core/rng.h"

namespace aerec::testing {

// (f(x + h) - f(x - h)) / (x+h - (x-h)), measured on the float actually stored.
template <class F>
double central_difference(float& x, F&& f, float h) {
  const float saved = x;
  const float up = saved + h;
  const float down = saved - h;
  x = up;
  const double f_up = f();
  x = down;
  const double f_down = f();
  x = saved;
  return (f_up - f_down) / (static_cast<double>(up) - static_cast<double>(down));
}

// Agreement of an analytic derivative with a numeric one: relative to their
// size, with an absolute floor for the float32 rounding noise that a central
// difference of a float32 forward pass carries (~1e-7 * |f| / h).
inline void require_close(double analytic, double numeric, const std::string& what, double tolerance = 2e-3,
                          double noise = 1e-4) {
  const double scale = std::max(std::abs(analytic), std::abs(numeric));
  INFO(what << ": analytic " << analytic << ", numeric " << numeric);
  REQUIRE(std::abs(analytic - numeric) <= tolerance * scale + noise);
}

inline std::vector<float> random_vector(rng& random, std::size_t n, float lo, float hi) {
  std::vector<float> v(n);
  for (float& x : v) x = random.uniform(lo, hi);
  return v;
}

}  // namespace aerec::testing
