#pragma once
// The sparse and contractive autoencoders' penalties (internal): per-element
// formulas for every backend, and the host loops (penalty_ops' host
// implementation). The penalties cost O(rows x units + inputs x units), small
// beside the layer they regularise.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

#include "aerec/backend/backend.h"
#include "aerec/nn/penalty.h"
#include "backend/host_device.h"

namespace aerec::math {

// A mean activation kept off 0 and 1, where KL's gradient is infinite.
AEREC_HOST_DEVICE inline double clamp_mean(double m) {
  return m < 1e-6 ? 1e-6 : (m > 1 - 1e-6 ? 1 - 1e-6 : m);
}

// KL(target || mean) of one unit, and its derivative in the mean.
AEREC_HOST_DEVICE inline double kl_divergence(double t, double mean) {
  return t * std::log(t / mean) + (1 - t) * std::log((1 - t) / (1 - mean));
}
AEREC_HOST_DEVICE inline double kl_slope(double t, double mean) { return -t / mean + (1 - t) / (1 - mean); }

inline double activity_penalty(const aerec::activity_penalty& p, const_matrix_view h, const_matrix_view d_in,
                               float* d_out) {
  const double scale = static_cast<double>(p.weight) / h.rows;
  double value = 0;
  for (int j = 0; j < h.cols; ++j) {
    // dP/dh(i, j): l1, scale * sign(h); kl, scale * (-target/mean + (1-target)/(1-mean)).
    double slope = 0;
    if (p.kind == activity_kind::kl) {
      double sum = 0;
      for (int i = 0; i < h.rows; ++i) sum += h.data[element(i, h.cols, j)];
      const double t = p.target, mean = clamp_mean(sum / h.rows);
      value += p.weight * kl_divergence(t, mean);
      slope = scale * kl_slope(t, mean);
    }
    for (int i = 0; i < h.rows; ++i) {
      const std::size_t at = element(i, h.cols, j);
      const float x = h.data[at];
      double g = slope;
      if (p.kind == activity_kind::l1) {
        value += scale * std::abs(x);
        g = scale * ((x > 0) - (x < 0));
      }
      if (d_out) d_out[at] = d_in.data[at] + static_cast<float>(g);
    }
  }
  return value;
}

// act'(z) and act''(z) in terms of y = act(z), for sigmoid and tanh.
struct derivatives {
  double first, second;
};
AEREC_HOST_DEVICE inline derivatives contractive_derivatives(activation a, double y) {
  if (a == activation::tanh) return {1 - y * y, -2 * y * (1 - y * y)};
  const double first = y * (1 - y);  // sigmoid
  return {first, first * (1 - 2 * y)};
}

inline double contractive_penalty(activation a, float weight, const_matrix_view w, const_matrix_view y,
                                  const_matrix_view d_in, float* d_out, float* w_grad) {
  // P = scale * sum_ij act'(z_ij)^2 * s_j, s_j = sum_k W_kj^2 (unit j's weights' squared norm).
  const double scale = static_cast<double>(weight) / y.rows;
  std::vector<double> s(static_cast<std::size_t>(w.cols), 0.0);
  for (int k = 0; k < w.rows; ++k)
    for (int j = 0; j < w.cols; ++j) {
      const double v = w.data[element(k, w.cols, j)];
      s[static_cast<std::size_t>(j)] += v * v;
    }
  std::vector<double> c(s.size(), 0.0);  // c_j = sum_i act'(z_ij)^2
  for (int i = 0; i < y.rows; ++i)
    for (int j = 0; j < y.cols; ++j) {
      const std::size_t at = element(i, y.cols, j);
      const derivatives d = contractive_derivatives(a, y.data[at]);
      c[static_cast<std::size_t>(j)] += d.first * d.first;
      // Through z: dP/dz = scale * s_j * 2 act' act''; the layer's backward
      // multiplies dP/dy by act', so dP/dy is scale * s_j * 2 act''.
      if (d_out)
        d_out[at] = d_in.data[at] + static_cast<float>(scale * s[static_cast<std::size_t>(j)] * 2 * d.second);
    }
  double value = 0;
  for (std::size_t j = 0; j < s.size(); ++j) value += scale * c[j] * s[j];
  // Through W directly: dP/dW_kj = scale * c_j * 2 W_kj.
  if (w_grad)
    for (int k = 0; k < w.rows; ++k)
      for (int j = 0; j < w.cols; ++j) {
        const std::size_t at = element(k, w.cols, j);
        w_grad[at] += static_cast<float>(scale * c[static_cast<std::size_t>(j)] * 2 * w.data[at]);
      }
  return value;
}

}  // namespace aerec::math
