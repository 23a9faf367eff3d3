// The reference backend: every operation as the plainest scalar loop, in
// double where a sum is long. It is slow and obviously right, and the fast
// backends are tested against it (tests/test_backend_parity.cpp).
#include <cstdlib>
#include <cstring>
#include <new>

#include "backend/activation_math.h"
#include "backend/optimizer_math.h"
#include "backend/cpu/host_math_backend.h"
#include "aerec/backend/cpu_backend.h"

namespace aerec {

namespace {

std::size_t count(int rows, int cols) {
  return static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols);
}

// Element (i, j) of op(m): m itself or its transpose.
float at(const_matrix_view m, bool transpose, int i, int j) {
  return transpose ? m.data[count(j, m.cols) + static_cast<std::size_t>(i)]
                   : m.data[count(i, m.cols) + static_cast<std::size_t>(j)];
}

// beta * x, where beta 0 overwrites (x may hold NaN).
float scaled(float beta, float x) { return beta == 0 ? 0.0f : beta * x; }

class reference_backend final : public host_math_backend {
 public:
  std::string name() const override { return "reference"; }

  void* allocate(std::size_t bytes) override {
    void* p = std::malloc(bytes == 0 ? 1 : bytes);
    if (!p) throw std::bad_alloc();
    return p;
  }
  void deallocate(void* p) noexcept override { std::free(p); }
  void to_device(void* dst, const void* src, std::size_t bytes) override { std::memcpy(dst, src, bytes); }
  void to_host(void* dst, const void* src, std::size_t bytes) override { std::memcpy(dst, src, bytes); }
  void fill(float* x, std::size_t n, float value) override {
    for (std::size_t i = 0; i < n; ++i) x[i] = value;
  }

  void gemm(bool transpose_a, bool transpose_b, float alpha, const_matrix_view a,
            const_matrix_view b, float beta, matrix_view c) override {
    const int depth = transpose_a ? a.rows : a.cols;
    for (int i = 0; i < c.rows; ++i)
      for (int j = 0; j < c.cols; ++j) {
        double sum = 0;
        for (int k = 0; k < depth; ++k)
          sum += static_cast<double>(at(a, transpose_a, i, k)) * at(b, transpose_b, k, j);
        float& out = c.data[count(i, c.cols) + static_cast<std::size_t>(j)];
        out = alpha * static_cast<float>(sum) + scaled(beta, out);
      }
  }

  void sparse_dense(const sparse_view& x, const_matrix_view w, float beta, matrix_view c) override {
    for (int r = 0; r < x.rows; ++r)
      for (int j = 0; j < w.cols; ++j) {
        double sum = 0;
        for (int e = x.offsets[r]; e < x.offsets[r + 1]; ++e)
          sum += static_cast<double>(x.values[e]) * w.data[count(x.cols_index[e], w.cols) + static_cast<std::size_t>(j)];
        float& out = c.data[count(r, c.cols) + static_cast<std::size_t>(j)];
        out = static_cast<float>(sum) + scaled(beta, out);
      }
  }

  void sparse_t_dense(const sparse_view& x, const_matrix_view d, float beta, matrix_view g) override {
    for (std::size_t i = 0; i < count(g.rows, g.cols); ++i) g.data[i] = scaled(beta, g.data[i]);
    for (int r = 0; r < x.rows; ++r)
      for (int e = x.offsets[r]; e < x.offsets[r + 1]; ++e)
        for (int j = 0; j < d.cols; ++j)
          g.data[count(x.cols_index[e], g.cols) + static_cast<std::size_t>(j)] +=
              x.values[e] * d.data[count(r, d.cols) + static_cast<std::size_t>(j)];
  }

  void sampled_product(const_matrix_view a, const_matrix_view b, const sparse_view& pattern,
                       const float* bias, float* out) override {
    for (int r = 0; r < pattern.rows; ++r)
      for (int e = pattern.offsets[r]; e < pattern.offsets[r + 1]; ++e) {
        const int c = pattern.cols_index[e];
        double sum = 0;
        for (int k = 0; k < a.cols; ++k)
          sum += static_cast<double>(at(a, false, r, k)) * at(b, false, c, k);
        out[e] = static_cast<float>(sum) + (bias ? bias[c] : 0.0f);
      }
  }

  void gather(const_matrix_view x, const sparse_view& pattern, float* out) override {
    for (int r = 0; r < pattern.rows; ++r)
      for (int e = pattern.offsets[r]; e < pattern.offsets[r + 1]; ++e)
        out[e] = at(x, false, r, pattern.cols_index[e]) * pattern.values[e];
  }

  void scatter(const sparse_view& x, matrix_view out) override {
    fill(out.data, count(out.rows, out.cols), 0);
    for (int r = 0; r < x.rows; ++r)
      for (int e = x.offsets[r]; e < x.offsets[r + 1]; ++e)
        out.data[count(r, out.cols) + static_cast<std::size_t>(x.cols_index[e])] = x.values[e];
  }

  void multiply(const_matrix_view a, const_matrix_view b, matrix_view out) override {
    for (std::size_t i = 0; i < count(a.rows, a.cols); ++i) out.data[i] = a.data[i] * b.data[i];
  }

  void add_row_vector(matrix_view y, const float* bias) override {
    for (int i = 0; i < y.rows; ++i)
      for (int j = 0; j < y.cols; ++j) y.data[count(i, y.cols) + static_cast<std::size_t>(j)] += bias[j];
  }

  void column_sums(const_matrix_view x, float beta, float* sums) override {
    for (int j = 0; j < x.cols; ++j) {
      double sum = 0;
      for (int i = 0; i < x.rows; ++i) sum += at(x, false, i, j);
      sums[j] = static_cast<float>(sum) + scaled(beta, sums[j]);
    }
  }

  void activation_forward(activation a, const_matrix_view z, matrix_view y) override {
    for (std::size_t i = 0; i < count(z.rows, z.cols); ++i) y.data[i] = math::activate(a, z.data[i]);
  }

  void activation_backward(activation a, const_matrix_view z, const_matrix_view y,
                           const_matrix_view dy, matrix_view dz) override {
    for (std::size_t i = 0; i < count(z.rows, z.cols); ++i)
      dz.data[i] = dy.data[i] * math::activate_derivative(a, z.data[i], y.data[i]);
  }

  void masked_squared_error(const_matrix_view output, const sparse_view& target, float grad_scale,
                            matrix_view grad, float* row_sums) override {
    fill(grad.data, count(grad.rows, grad.cols), 0);
    for (int r = 0; r < target.rows; ++r) {
      double sum = 0;
      for (int e = target.offsets[r]; e < target.offsets[r + 1]; ++e) {
        const std::size_t at_rc = count(r, output.cols) + static_cast<std::size_t>(target.cols_index[e]);
        const float err = output.data[at_rc] - target.values[e];
        sum += static_cast<double>(err) * err;
        grad.data[at_rc] = grad_scale * err;
      }
      row_sums[r] = static_cast<float>(sum);
    }
  }

  void rated_squared_error(const float* predicted, const sparse_view& target, float grad_scale,
                           float* grad, float* row_sums) override {
    for (int r = 0; r < target.rows; ++r) {
      double sum = 0;
      for (int e = target.offsets[r]; e < target.offsets[r + 1]; ++e) {
        const float err = predicted[e] - target.values[e];
        sum += static_cast<double>(err) * err;
        grad[e] = grad_scale * err;
      }
      row_sums[r] = static_cast<float>(sum);
    }
  }

  void optimizer_step(const optimizer_config& config, long step, std::size_t n, float* param,
                      const float* grad, float* const state[3]) override {
    const math::optimizer_scalars s = math::make_optimizer_scalars(config, step);
    math::with_optimizer_choices(s, [&](auto kind, auto decay, auto momentum, auto variant) {
      for (std::size_t i = 0; i < n; ++i)
        math::optimizer_element<kind(), decay(), momentum(), variant()>(s, param[i], grad[i], state, i);
    });
  }
};

}  // namespace

std::unique_ptr<backend> make_reference_backend() { return std::make_unique<reference_backend>(); }

}  // namespace aerec
