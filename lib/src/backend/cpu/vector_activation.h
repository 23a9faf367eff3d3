#pragma once
// Activations over runs of floats, those that need e^x eight at a time
// (internal): libm's scalar expf/expm1f were the largest cost after the
// matrix products in a SELU network's training. The others go element by
// element (math::activate), in loops that vectorise. Compiled apart, without
// fused multiply-adds, so that the CPU backend's element-wise operations and
// the direct convolutions (which activate as they write) get the same bits.
#include <cstddef>

#include "aerec/nn/activation.h"

namespace aerec::cpu {

constexpr bool has_vector_form(activation a) {
  return a == activation::sigmoid || a == activation::selu || a == activation::elu;
}

// y[i] = activate(z[i]) for n elements; z may be y.
void activate(activation a, const float* z, float* y, std::size_t n);
// dz[i] = dy[i] * activate'(z[i]), given y = activate(z).
void activate_backward(activation a, const float* z, const float* y, const float* dy, float* dz,
                       std::size_t n);

}  // namespace aerec::cpu
