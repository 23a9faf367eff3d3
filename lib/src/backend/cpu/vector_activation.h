#pragma once
// Activations eight at a time for those that need e^x (internal): libm's
// scalar expf/expm1f were the largest cost after the matrix products in a
// SELU network's training. The others go element by element (math::activate).
#include <cstring>

#include "backend/activation_math.h"
#include "backend/cpu/vector_math.h"

namespace aerec::cpu {

inline bool has_vector_form(activation a) {
  return a == activation::sigmoid || a == activation::selu || a == activation::elu;
}

inline float8 activate8(activation a, float8 z) {
  switch (a) {
    case activation::sigmoid:
      return 1.0f / (1.0f + exp8(-z));
    case activation::selu: {
      const float8 negative = (math::selu_scale * math::selu_alpha) * expm1_8(select(z < 0, z, float8{}));
      return select(z > 0, math::selu_scale * z, negative);
    }
    case activation::elu:
      return select(z > 0, z, math::elu_alpha * expm1_8(select(z < 0, z, float8{})));
    default:
      break;
  }
  float8 y{};
  for (int i = 0; i < 8; ++i) y[i] = math::activate(a, z[i]);
  return y;
}

// y[i] = activate(z[i]) for n elements, by the vector form; a short tail is
// padded, so every element's result is the same wherever it sits.
inline void activate_block(activation a, const float* z, float* y, std::size_t n) {
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) store8(y + i, activate8(a, load8(z + i)));
  if (i == n) return;
  float tail[8] = {};
  std::memcpy(tail, z + i, (n - i) * sizeof(float));
  const float8 out = activate8(a, load8(tail));
  std::memcpy(y + i, &out, (n - i) * sizeof(float));
}

}  // namespace aerec::cpu
