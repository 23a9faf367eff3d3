#include "aerec/cpu_backend.h"

#include <Eigen/Core>
#include <cstdlib>
#include <cstring>
#include <new>

#include "../activation_math.h"
#include "../optimizer_math.h"
#include "aerec/error.h"

namespace aerec {

namespace {

using row_major = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using map = Eigen::Map<row_major>;
using const_map = Eigen::Map<const row_major>;

map as_eigen(matrix_view m) { return map(m.data, m.rows, m.cols); }
const_map as_eigen(const_matrix_view m) { return const_map(m.data, m.rows, m.cols); }

template <class A, class B>
void assign_product(float alpha, const A& a, const B& b, float beta, map c) {
  if (beta == 0) {
    c.noalias() = alpha * (a * b);
  } else {
    if (beta != 1) c *= beta;
    c.noalias() += alpha * (a * b);
  }
}

template <class A>
void gemm_b(bool transpose_b, float alpha, const A& a, const_matrix_view b, float beta, map c) {
  if (transpose_b)
    assign_product(alpha, a, as_eigen(b).transpose(), beta, c);
  else
    assign_product(alpha, a, as_eigen(b), beta, c);
}

void scale_or_zero(float* x, std::size_t n, float beta) {
  if (beta == 0)
    std::memset(x, 0, n * sizeof(float));
  else if (beta != 1)
    for (std::size_t i = 0; i < n; ++i) x[i] *= beta;
}

class cpu_backend final : public backend {
 public:
  explicit cpu_backend(int threads) : threads_(threads) {
    if (threads < 1) throw error(error_code::invalid_argument, "threads must be at least 1");
  }

  std::string name() const override { return "cpu"; }

  void* allocate(std::size_t bytes) override {
    // 64-byte alignment suits every SIMD width.
    void* p = std::aligned_alloc(64, (bytes + 63) / 64 * 64);
    if (!p) throw std::bad_alloc();
    return p;
  }
  void deallocate(void* p) noexcept override { std::free(p); }
  void to_device(void* dst, const void* src, std::size_t bytes) override {
    std::memcpy(dst, src, bytes);
  }
  void to_host(void* dst, const void* src, std::size_t bytes) override {
    std::memcpy(dst, src, bytes);
  }
  void fill(float* x, std::size_t n, float value) override { std::fill(x, x + n, value); }

  void gemm(bool transpose_a, bool transpose_b, float alpha, const_matrix_view a,
            const_matrix_view b, float beta, matrix_view c) override {
    Eigen::setNbThreads(threads_);
    if (transpose_a)
      gemm_b(transpose_b, alpha, as_eigen(a).transpose(), b, beta, as_eigen(c));
    else
      gemm_b(transpose_b, alpha, as_eigen(a), b, beta, as_eigen(c));
  }

  void sparse_dense(const sparse_view& x, const_matrix_view w, float beta,
                    matrix_view c) override {
    const std::size_t n = static_cast<std::size_t>(w.cols);
    scale_or_zero(c.data, static_cast<std::size_t>(c.rows) * n, beta);
    for (int r = 0; r < x.rows; ++r) {
      float* out = c.data + static_cast<std::size_t>(r) * n;
      for (int k = x.offsets[r]; k < x.offsets[r + 1]; ++k) {
        const float v = x.values[k];
        const float* row = w.data + static_cast<std::size_t>(x.cols_index[k]) * n;
        for (std::size_t j = 0; j < n; ++j) out[j] += v * row[j];
      }
    }
  }

  void sparse_t_dense(const sparse_view& x, const_matrix_view d, float beta,
                      matrix_view g) override {
    const std::size_t n = static_cast<std::size_t>(d.cols);
    scale_or_zero(g.data, static_cast<std::size_t>(g.rows) * n, beta);
    for (int r = 0; r < x.rows; ++r) {
      const float* in = d.data + static_cast<std::size_t>(r) * n;
      for (int k = x.offsets[r]; k < x.offsets[r + 1]; ++k) {
        const float v = x.values[k];
        float* row = g.data + static_cast<std::size_t>(x.cols_index[k]) * n;
        for (std::size_t j = 0; j < n; ++j) row[j] += v * in[j];
      }
    }
  }

  void multiply(const_matrix_view a, const_matrix_view b, matrix_view out) override {
    as_eigen(out) = as_eigen(a).cwiseProduct(as_eigen(b));
  }

  void add_row_vector(matrix_view y, const float* bias) override {
    as_eigen(y).rowwise() += Eigen::Map<const Eigen::RowVectorXf>(bias, y.cols);
  }

  void column_sums(const_matrix_view x, float beta, float* sums) override {
    Eigen::Map<Eigen::RowVectorXf> s(sums, x.cols);
    if (beta == 0)
      s = as_eigen(x).colwise().sum();
    else
      s = beta * s + as_eigen(x).colwise().sum();
  }

  void activation_forward(activation a, const_matrix_view z, matrix_view y) override {
    const std::size_t n = static_cast<std::size_t>(z.rows) * static_cast<std::size_t>(z.cols);
    for (std::size_t i = 0; i < n; ++i) y.data[i] = math::activate(a, z.data[i]);
  }

  void activation_backward(activation a, const_matrix_view z, const_matrix_view y,
                           const_matrix_view dy, matrix_view dz) override {
    const std::size_t n = static_cast<std::size_t>(z.rows) * static_cast<std::size_t>(z.cols);
    for (std::size_t i = 0; i < n; ++i)
      dz.data[i] = dy.data[i] * math::activate_derivative(a, z.data[i], y.data[i]);
  }

  void masked_squared_error(const_matrix_view output, const sparse_view& target, float grad_scale,
                            matrix_view grad, float* row_sums) override {
    const std::size_t n = static_cast<std::size_t>(output.cols);
    std::memset(grad.data, 0, static_cast<std::size_t>(grad.rows) * n * sizeof(float));
    for (int r = 0; r < target.rows; ++r) {
      const float* o = output.data + static_cast<std::size_t>(r) * n;
      float* g = grad.data + static_cast<std::size_t>(r) * n;
      double sum = 0;
      for (int k = target.offsets[r]; k < target.offsets[r + 1]; ++k) {
        const int c = target.cols_index[k];
        const float e = o[c] - target.values[k];
        sum += static_cast<double>(e) * e;
        g[c] = grad_scale * e;
      }
      row_sums[r] = static_cast<float>(sum);
    }
  }

  void optimizer_step(const optimizer_config& config, long step, std::size_t n, float* param,
                      const float* grad, float* const state[3]) override {
    // A local copy of the scalars: stores to float arrays cannot alias it, so
    // the loop keeps them in registers and vectorises.
    const math::optimizer_scalars s = math::make_optimizer_scalars(config, step);
    float* const arrays[3] = {state[0], state[1], state[2]};
    math::with_optimizer_choices(s, [&](auto kind, auto decay, auto momentum, auto variant) {
      for (std::size_t i = 0; i < n; ++i)
        math::optimizer_element<kind(), decay(), momentum(), variant()>(s, param[i], grad[i],
                                                                        arrays, i);
    });
  }

 private:
  int threads_;
};

}  // namespace

std::unique_ptr<backend> make_cpu_backend(int threads) {
  return std::make_unique<cpu_backend>(threads);
}

}  // namespace aerec
