#pragma once
// GLocal-K's local kernel and global convolution (ops/glocal_ops.h)
// (internal): per-element formulas for every backend, and the host loops
// (glocal_ops' host implementation). They cost little beside the layers'
// products.
#include <algorithm>
#include <cstddef>
#include <vector>

#include "aerec/backend/backend.h"
#include "backend/host_device.h"

namespace aerec::math {

namespace detail {
AEREC_HOST_DEVICE inline float squared_distance(const float* a, const float* b, int d) {
  float sum = 0;
  for (int k = 0; k < d; ++k) sum += (a[k] - b[k]) * (a[k] - b[k]);
  return sum;
}

// dst = beta * dst, where beta 0 overwrites whatever dst held.
inline void scale(float* dst, std::size_t n, float beta) {
  if (beta == 1) return;
  for (std::size_t i = 0; i < n; ++i) dst[i] = beta == 0 ? 0.0f : beta * dst[i];
}
}  // namespace detail

// max(0, 1 - |a - b|^2) for two points in R^d (0 for NaN, as std::max(0, NaN)).
AEREC_HOST_DEVICE inline float kernel_value(const float* a, const float* b, int d) {
  const float k = 1 - detail::squared_distance(a, b, d);
  return k > 0 ? k : 0.0f;
}

// dL/dkernel times 2, where the kernel is positive: d/da = -2 (a - b) times dL/dkernel.
AEREC_HOST_DEVICE inline float kernel_slope(float d_eff, float w, float penalty, float kernel) {
  return 2 * (d_eff * w + penalty * kernel);
}

inline double local_kernel(const_matrix_view a, const_matrix_view b, const float* w, float* kernel,
                           float* w_eff) {
  double sum = 0;
  for (int i = 0; i < a.rows; ++i)
    for (int j = 0; j < b.rows; ++j) {
      const std::size_t e = element(i, b.rows, j);
      const float k = kernel_value(a.data + element(i, a.cols, 0), b.data + element(j, b.cols, 0), a.cols);
      kernel[e] = k;
      w_eff[e] = w[e] * k;
      sum += static_cast<double>(k) * k;
    }
  return sum;
}

inline void local_kernel_backward(const_matrix_view a, const_matrix_view b, const float* w,
                                  const float* kernel, const float* d_eff, float penalty, float beta,
                                  float* dw, float* da, float* db) {
  const int d = a.cols;
  detail::scale(da, element(a.rows, d, 0), beta);
  detail::scale(db, element(b.rows, d, 0), beta);
  for (int i = 0; i < a.rows; ++i) {
    const float* ai = a.data + element(i, d, 0);
    float* dai = da + element(i, d, 0);
    for (int j = 0; j < b.rows; ++j) {
      const std::size_t e = element(i, b.rows, j);
      dw[e] = (beta == 0 ? 0.0f : beta * dw[e]) + d_eff[e] * kernel[e];
      if (kernel[e] <= 0) continue;  // max(0, .) is flat there
      // kernel = 1 - |a_i - b_j|^2: d/da_i = -2 (a_i - b_j), d/db_j = +2 (a_i - b_j).
      const float g = kernel_slope(d_eff[e], w[e], penalty, kernel[e]);
      const float* bj = b.data + element(j, d, 0);
      float* dbj = db + element(j, d, 0);
      for (int k = 0; k < d; ++k) {
        const float diff = g * (ai[k] - bj[k]);
        dai[k] -= diff;
        dbj[k] += diff;
      }
    }
  }
}

// Calls f(i, j, p, q) for every output (i, j) and kernel tap (p, q) that reads
// inside x: x(i + p - size / 2, j + q - size / 2).
template <class F>
void for_each_tap(const_matrix_view x, int size, F&& f) {
  const int half = size / 2;
  for (int p = 0; p < size; ++p)
    for (int q = 0; q < size; ++q) {
      const int rows_from = std::max(0, half - p), rows_to = std::min(x.rows, x.rows + half - p);
      const int cols_from = std::max(0, half - q), cols_to = std::min(x.cols, x.cols + half - q);
      for (int i = rows_from; i < rows_to; ++i)
        for (int j = cols_from; j < cols_to; ++j) f(i, j, p, q);
    }
}

inline void global_convolve(const_matrix_view x, const float* k, int size, matrix_view out) {
  const int half = size / 2;
  std::fill(out.data, out.data + element(out.rows, out.cols, 0), 0.0f);
  for_each_tap(x, size, [&](int i, int j, int p, int q) {
    out.data[element(i, out.cols, j)] +=
        k[p * size + q] * x.data[element(i + p - half, x.cols, j + q - half)];
  });
}

inline void global_convolve_kernel_grad(const_matrix_view x, const_matrix_view d, int size, float* dk) {
  const int half = size / 2;
  std::vector<double> sums(static_cast<std::size_t>(size * size), 0.0);
  for_each_tap(x, size, [&](int i, int j, int p, int q) {
    sums[static_cast<std::size_t>(p * size + q)] += static_cast<double>(d.data[element(i, d.cols, j)]) *
                                                    x.data[element(i + p - half, x.cols, j + q - half)];
  });
  for (std::size_t t = 0; t < sums.size(); ++t) dk[t] = static_cast<float>(sums[t]);
}

}  // namespace aerec::math
