#pragma once
// Activation values and derivatives, one element at a time (internal).
#include <cmath>

#include "aerec/nn/activation.h"
#include "backend/host_device.h"

namespace aerec::math {

inline constexpr float leaky_relu_slope = 0.01f;  // torch.nn.LeakyReLU default
inline constexpr float elu_alpha = 1.0f;          // torch.nn.ELU default
inline constexpr float selu_alpha = 1.6732632423543772f;
inline constexpr float selu_scale = 1.0507009873554805f;

AEREC_HOST_DEVICE inline float activate(activation a, float z) {
  switch (a) {
    case activation::identity:
      return z;
    case activation::sigmoid:
      return 1.0f / (1.0f + std::exp(-z));
    case activation::tanh:
      return std::tanh(z);
    case activation::relu:
      return z > 0 ? z : 0.0f;
    case activation::leaky_relu:
      return z > 0 ? z : leaky_relu_slope * z;
    case activation::selu:
      return selu_scale * (z > 0 ? z : selu_alpha * std::expm1(z));
    case activation::elu:
      return z > 0 ? z : elu_alpha * std::expm1(z);
  }
  return z;
}

// d activate(z) / dz, given z and y = activate(z) (whichever is cheaper).
AEREC_HOST_DEVICE inline float activate_derivative(activation a, float z, float y) {
  switch (a) {
    case activation::identity:
      return 1.0f;
    case activation::sigmoid:
      return y * (1.0f - y);
    case activation::tanh:
      return 1.0f - y * y;
    case activation::relu:
      return z > 0 ? 1.0f : 0.0f;
    case activation::leaky_relu:
      return z > 0 ? 1.0f : leaky_relu_slope;
    case activation::selu:
      return z > 0 ? selu_scale : y + selu_scale * selu_alpha;
    case activation::elu:
      return z > 0 ? 1.0f : y + elu_alpha;
  }
  return 1.0f;
}

}  // namespace aerec::math
