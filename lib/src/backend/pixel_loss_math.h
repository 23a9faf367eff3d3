#pragma once
// The per-pixel losses' formulas and their loop over a batch (internal),
// shared by the host implementation and the CPU's, which differ only in how
// they sum a row's binary cross-entropy (the CPU's logs eight at a time).
#include <algorithm>
#include <cmath>
#include <cstddef>

#include "aerec/nn/pixel_loss.h"

namespace aerec::math {

// PyTorch's binary_cross_entropy on the CPU, in float: log(1-p) as log1p(-p),
// each log clamped to >= -100 so that p = 0 or 1 costs at most 100.
inline float bce(float p, float t) {
  return (t - 1) * std::max(std::log1p(-p), -100.0f) - t * std::max(std::log(p), -100.0f);
}

inline float squared_error(float p, float t) { return (p - t) * (p - t); }

// PyTorch's binary_cross_entropy_backward, divided by N as its mean reduction does.
inline void bce_grad(const float* p, const float* t, std::size_t n, float* g) {
  const auto count = static_cast<float>(n);
  for (std::size_t i = 0; i < n; ++i) g[i] = (p[i] - t[i]) / std::max((1 - p[i]) * p[i], 1e-12f) / count;
}

// PyTorch's mse_loss_backward: its norm 2 / N rounded to float, times p - t.
inline void mse_grad(const float* p, const float* t, std::size_t n, float* g) {
  const auto norm = static_cast<float>(2.0 / static_cast<double>(n));
  for (std::size_t i = 0; i < n; ++i) g[i] = norm * (p[i] - t[i]);
}

// The loss summed over rows x cols outputs p against targets t, each row's
// sum (in double, then float) in row_sums, and where grad is not null the
// mean loss's gradient. bce_row(p, t, n) sums one row's cross-entropies.
template <class BceRow>
double pixel_loss_rows(pixel_loss_kind kind, const float* p, const float* t, int rows, int cols, float* grad,
                       float* row_sums, BceRow&& bce_row) {
  const bool is_bce = kind == pixel_loss_kind::bce;
  double total = 0;
  for (int r = 0; r < rows; ++r) {
    const std::size_t at = static_cast<std::size_t>(r) * static_cast<std::size_t>(cols);
    double sum = 0;
    if (is_bce)
      sum = bce_row(p + at, t + at, cols);
    else
      for (int i = 0; i < cols; ++i) sum += squared_error(p[at + i], t[at + i]);
    row_sums[r] = static_cast<float>(sum);
    total += sum;
  }
  const std::size_t n = static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols);
  if (grad) (is_bce ? bce_grad : mse_grad)(p, t, n, grad);
  return total;
}

}  // namespace aerec::math
