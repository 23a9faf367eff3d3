#include "backend/cpu/vector_activation.h"

#include <cstring>
#include <type_traits>

#include "backend/activation_math.h"
#include "backend/cpu/vector_math.h"

namespace aerec::cpu {

namespace {

// activate(z) for the kinds with a vector form, `Kind` a constant (with_constant):
// in a loop, the switch goes and the body inlines (a float8 is no wasm value
// type, so a call per eight elements passed them through memory).
template <class Kind>
float8 activate8(Kind kind, float8 z) {
  if constexpr (kind == activation::sigmoid) {
    return 1.0f / (1.0f + exp8(-z));
  } else if constexpr (kind == activation::selu) {
    const float8 negative = (math::selu_scale * math::selu_alpha) * expm1_8(select(z < 0, z, float8{}));
    return select(z > 0, math::selu_scale * z, negative);
  } else {
    static_assert(kind == activation::elu);
    return select(z > 0, z, math::elu_alpha * expm1_8(select(z < 0, z, float8{})));
  }
}

// y[i] = activate(z[i]) for n elements, by the vector form; a short tail is
// padded, so every element's result is the same wherever it sits.
template <class Kind>
void activate_block(Kind kind, const float* z, float* y, std::size_t n) {
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) store8(y + i, activate8(kind, load8(z + i)));
  if (i == n) return;
  float tail[8] = {};
  std::memcpy(tail, z + i, (n - i) * sizeof(float));
  const float8 out = activate8(kind, load8(tail));
  std::memcpy(y + i, &out, (n - i) * sizeof(float));
}

// f(kind), kind converting to `a` as a constant: a loop over elements inside
// f then carries no switch per element, and branch-free kinds (relu's
// derivative, say) vectorise. The same formulas, so the same bits.
template <class F>
void with_constant(activation a, F&& f) {
  const auto as = [&]<activation A>() { f(std::integral_constant<activation, A>{}); };
  switch (a) {
    case activation::identity:
      return as.template operator()<activation::identity>();
    case activation::sigmoid:
      return as.template operator()<activation::sigmoid>();
    case activation::tanh:
      return as.template operator()<activation::tanh>();
    case activation::relu:
      return as.template operator()<activation::relu>();
    case activation::leaky_relu:
      return as.template operator()<activation::leaky_relu>();
    case activation::selu:
      return as.template operator()<activation::selu>();
    case activation::elu:
      return as.template operator()<activation::elu>();
  }
  f(a);
}

// y = activate(z) and dz = dy * activate'(z) for n elements, with `kind`
// from with_constant: loops over plain pointers, which vectorise (through a
// lambda's captured views they did not).
template <class Kind>
void activate_plain(Kind kind, const float* z, float* y, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) y[i] = math::activate(kind, z[i]);
}
template <class Kind>
void differentiate_plain(Kind kind, const float* z, const float* y, const float* dy, float* dz,
                         std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) dz[i] = dy[i] * math::activate_derivative(kind, z[i], y[i]);
}

}  // namespace

void activate(activation a, const float* z, float* y, std::size_t n) {
  with_constant(a, [&](auto kind) {
    if constexpr (!std::is_same_v<decltype(kind), activation> && has_vector_form(kind))
      activate_block(kind, z, y, n);
    else
      activate_plain(kind, z, y, n);
  });
}

void activate_backward(activation a, const float* z, const float* y, const float* dy, float* dz,
                       std::size_t n) {
  with_constant(a, [&](auto kind) { differentiate_plain(kind, z, y, dy, dz, n); });
}

}  // namespace aerec::cpu
