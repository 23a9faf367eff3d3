#pragma once
// The variational autoencoder's Gaussian code and the multinomial likelihood
// (Liang et al.'s Mult-VAE and Mult-DAE) (internal): per-element formulas for
// every backend, and the host loops (variational_ops' host implementation;
// the CPU's multinomial loss).
#include <algorithm>
#include <cmath>
#include <cstddef>

#include "aerec/backend/backend.h"
#include "backend/host_device.h"

namespace aerec::math {

// One code element: mu + eps * exp(logvar / 2).
AEREC_HOST_DEVICE inline float sample_code(float mu, float logvar, float eps) {
  return mu + eps * std::exp(0.5f * logvar);
}

// One code element's backward: dL/dmu and dL/dlogvar, given dz = dL/dz and
// scale = kl_weight / rows, and its KL term (before scaling).
struct code_gradient {
  float d_mu, d_logvar;
  double kl;
};
AEREC_HOST_DEVICE inline code_gradient code_backward(double mu, double logvar, const float* eps, float dz,
                                                     double scale) {
  const double var = std::exp(logvar);
  const double through_sample = eps ? dz * *eps * 0.5 * std::exp(0.5 * logvar) : 0.0;
  return {static_cast<float>(dz + scale * mu), static_cast<float>(through_sample + scale * 0.5 * (var - 1)),
          0.5 * (var + mu * mu - 1 - logvar)};
}

// z = mu + eps * exp(logvar / 2), x = [mu | logvar] row by row; z = mu without eps.
inline void gaussian_sample(const_matrix_view x, const float* eps, matrix_view z) {
  for (int i = 0; i < z.rows; ++i)
    for (int j = 0; j < z.cols; ++j) {
      const float mu = x.data[element(i, x.cols, j)], logvar = x.data[element(i, x.cols, z.cols + j)];
      z.data[element(i, z.cols, j)] = eps ? sample_code(mu, logvar, eps[element(i, z.cols, j)]) : mu;
    }
}

// Returns kl_weight * the batch's mean KL(N(mu, exp(logvar)) || N(0, 1)); unless
// dx is null, sets dx = dL/dx from dz = dL/dz through the sample, plus the KL term's gradient.
inline double gaussian_backward(const_matrix_view x, const float* eps, const float* dz, float kl_weight,
                                float* dx) {
  const int k = x.cols / 2;
  const double scale = static_cast<double>(kl_weight) / x.rows;
  double kl = 0;
  for (int i = 0; i < x.rows; ++i)
    for (int j = 0; j < k; ++j) {
      const std::size_t m = element(i, x.cols, j), v = element(i, x.cols, k + j), e = element(i, k, j);
      const code_gradient g =
          code_backward(x.data[m], x.data[v], eps ? eps + e : nullptr, dx ? dz[e] : 0.0f, scale);
      kl += g.kl;
      if (!dx) continue;
      dx[m] = g.d_mu;
      dx[v] = g.d_logvar;
    }
  return scale * kl;
}

// Each row's negative multinomial log-likelihood of its target entries (each
// counts once: implicit feedback) under softmax(logits row), into row_sums;
// grad = grad_scale * (n_i softmax - indicator), n_i the row's entry count.
inline void multinomial_loss(const_matrix_view logits, const sparse_view& target, float grad_scale,
                             matrix_view grad, float* row_sums) {
  for (int i = 0; i < logits.rows; ++i) {
    const float* z = logits.data + element(i, logits.cols, 0);
    const float top = *std::max_element(z, z + logits.cols);
    double sum = 0;
    for (int j = 0; j < logits.cols; ++j) sum += std::exp(static_cast<double>(z[j] - top));
    const double log_norm = top + std::log(sum);
    const int begin = target.offsets[i], end = target.offsets[i + 1];
    double nll = 0;
    for (int e = begin; e < end; ++e) nll += log_norm - z[target.cols_index[e]];
    row_sums[i] = static_cast<float>(nll);
    float* g = grad.data + element(i, grad.cols, 0);
    for (int j = 0; j < logits.cols; ++j)
      g[j] = static_cast<float>(static_cast<double>(grad_scale) * (end - begin) * std::exp(z[j] - log_norm));
    for (int e = begin; e < end; ++e) g[target.cols_index[e]] -= grad_scale;
  }
}

}  // namespace aerec::math
