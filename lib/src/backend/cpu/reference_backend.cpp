// The reference backend: the core primitives as the plainest scalar loops, in
// double where a sum is long, and every op family from its host
// implementation (which is those families' reference). It is slow and
// obviously right, and the fast backends are tested against it
// (tests/test_backend_ops.cpp).
#include <cstdlib>
#include <cstring>
#include <new>

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

class reference_backend final : public backend {
 public:
  std::string name() const override { return "reference"; }
  bool host_memory() const override { return true; }

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

  void copy(int n, const float* x, float* y) override {
    for (int i = 0; i < n; ++i) y[i] = x[i];
  }
  void scal(int n, float alpha, float* x) override {
    for (int i = 0; i < n; ++i) x[i] = alpha * x[i];
  }
  void axpy(int n, float alpha, const float* x, float* y) override {
    for (int i = 0; i < n; ++i) y[i] += alpha * x[i];
  }
  float dot(int n, const float* x, const float* y) override {
    double sum = 0;
    for (int i = 0; i < n; ++i) sum += static_cast<double>(x[i]) * y[i];
    return static_cast<float>(sum);
  }

  void gemm(bool transpose_a, bool transpose_b, float alpha, const_matrix_view a, const_matrix_view b,
            float beta, matrix_view c) override {
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
          sum += static_cast<double>(x.values[e]) *
                 w.data[count(x.cols_index[e], w.cols) + static_cast<std::size_t>(j)];
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
        for (int k = 0; k < a.cols; ++k) sum += static_cast<double>(at(a, false, r, k)) * at(b, false, c, k);
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
};

}  // namespace

std::unique_ptr<backend> make_reference_backend() { return std::make_unique<reference_backend>(); }

}  // namespace aerec
