#include "aerec/backend/cpu_backend.h"

#include <Eigen/Core>
#include <cstdlib>
#include <cstring>
#include <new>
#include <numeric>
#include <vector>

#include "aerec/backend/ops/conv_ops.h"
#include "aerec/backend/ops/elementwise_ops.h"
#include "aerec/backend/ops/loss_ops.h"
#include "aerec/backend/ops/lstm_ops.h"
#include "aerec/backend/ops/optimizer_ops.h"
#include "aerec/backend/ops/pixel_loss_ops.h"
#include "aerec/backend/ops/softmax_ops.h"
#include "aerec/core/error.h"
#include "backend/activation_math.h"
#ifdef AEREC_OPENBLAS
#include "backend/cpu/blas_gemm.h"
#endif
#include "backend/cpu/parallel.h"
#include "backend/cpu/simd_gemm.h"
#include "backend/cpu/vector_activation.h"
#include "backend/cpu/vector_lstm.h"
#include "backend/cpu/vector_math.h"
#include "backend/host/direct_conv.h"
#include "backend/optimizer_math.h"
#include "backend/pixel_loss_math.h"
#include "backend/softmax_math.h"
#include "backend/variational_math.h"

namespace aerec {

namespace {

using row_major = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using map = Eigen::Map<row_major>;
using const_map = Eigen::Map<const row_major>;

const_map as_eigen(const_matrix_view m) { return const_map(m.data, m.rows, m.cols); }

template <class A, class B, class C>
void assign_product(float alpha, const A& a, const B& b, float beta, C&& c) {
  if (beta == 0) {
    c.noalias() = alpha * (a * b);
  } else {
    if (beta != 1) c *= beta;
    c.noalias() += alpha * (a * b);
  }
}

// C's rows [first, first + band) of op(A) op(B), or its columns when `by_columns`.
template <class A, class B>
void product_band(float alpha, const A& a, const B& b, float beta, map c, bool by_columns, Eigen::Index first,
                  Eigen::Index band) {
  if (by_columns)
    assign_product(alpha, a, b.middleCols(first, band), beta, c.middleCols(first, band));
  else
    assign_product(alpha, a.middleRows(first, band), b, beta, c.middleRows(first, band));
}

template <class A>
void product_band_b(bool transpose_b, float alpha, const A& a, const_matrix_view b, float beta, map c,
                    bool by_columns, Eigen::Index first, Eigen::Index band) {
  if (transpose_b)
    product_band(alpha, a, as_eigen(b).transpose(), beta, c, by_columns, first, band);
  else
    product_band(alpha, a, as_eigen(b), beta, c, by_columns, first, band);
}

#ifndef __EMSCRIPTEN__
// C's band as backend::gemm asks: OpenBLAS's kernel where the build has it,
// else Eigen's.
void gemm_band(bool transpose_a, bool transpose_b, float alpha, const_matrix_view a, const_matrix_view b,
               float beta, matrix_view c, bool by_columns, std::size_t begin, std::size_t band) {
#ifdef AEREC_OPENBLAS
  blas_gemm_band(transpose_a, transpose_b, alpha, a, b, beta, c, by_columns, begin, band);
#else
  Eigen::setNbThreads(1);
  const map c_all(c.data, c.rows, c.cols);
  const auto first = static_cast<Eigen::Index>(begin), length = static_cast<Eigen::Index>(band);
  if (transpose_a)
    product_band_b(transpose_b, alpha, as_eigen(a).transpose(), b, beta, c_all, by_columns, first, length);
  else
    product_band_b(transpose_b, alpha, as_eigen(a), b, beta, c_all, by_columns, first, length);
#endif
}
#endif

void scale_or_zero(float* x, std::size_t n, float beta) {
  if (beta == 0)
    std::memset(x, 0, n * sizeof(float));
  else if (beta != 1)
    for (std::size_t i = 0; i < n; ++i) x[i] *= beta;
}

std::size_t count(int rows, int cols) {
  return static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols);
}

// out (w.cols floats) += x's entries [e, e + 4) times their rows of w, in one pass.
void add_sparse_four(const sparse_view& x, int e, const_matrix_view w, float* out) {
  const float a[4] = {x.values[e], x.values[e + 1], x.values[e + 2], x.values[e + 3]};
  const float* const rows[4] = {
      w.data + count(x.cols_index[e], w.cols), w.data + count(x.cols_index[e + 1], w.cols),
      w.data + count(x.cols_index[e + 2], w.cols), w.data + count(x.cols_index[e + 3], w.cols)};
  cpu::axpy4(a, rows, out, static_cast<std::size_t>(w.cols));
}

// out (n floats) += sum over the entries [begin, end) of x of value * row of w:
// four at a time, then the rest one by one.
void add_sparse_rows(const sparse_view& x, int begin, int end, const_matrix_view w, float* out) {
  int e = begin;
  for (; e + 4 <= end; e += 4) add_sparse_four(x, e, w, out);
  for (; e < end; ++e) cpu::axpy(x.values[e], w.data + count(x.cols_index[e], w.cols), out, count(1, w.cols));
}

// C's rows [r0, r1) = X W + beta C, each row's entries added as
// add_sparse_rows adds them (so its bits are the same), but for a band of
// W's rows at a time across all the rows: in a batch of users, a row of W
// that one user's entry reads is then still in cache for the others' (a user
// at a time, 64 users read ML-1M's 3,706 x 512 W ~3 times over, from memory).
void add_sparse_bands(const sparse_view& x, int r0, int r1, const_matrix_view w, matrix_view c) {
  if (r1 - r0 == 1) return add_sparse_rows(x, x.offsets[r0], x.offsets[r1], w, c.data + count(r0, c.cols));
  constexpr std::size_t band_bytes = 256 << 10;  // with C's rows, within a core's L2
  const int band = std::max<int>(4, static_cast<int>(band_bytes / sizeof(float) / count(1, w.cols)));
  std::vector<int> next(x.offsets + r0, x.offsets + r1);  // each row's next entry
  for (int first = 0; first < w.rows; first += band)
    for (int r = r0; r < r1; ++r) {
      // The fours that begin in the band (a four may reach past it).
      int& e = next[static_cast<std::size_t>(r - r0)];
      for (const int end = x.offsets[r + 1]; e + 4 <= end && x.cols_index[e] < first + band; e += 4)
        add_sparse_four(x, e, w, c.data + count(r, c.cols));
    }
  for (int r = r0; r < r1; ++r)
    add_sparse_rows(x, next[static_cast<std::size_t>(r - r0)], x.offsets[r + 1], w,
                    c.data + count(r, c.cols));
}

// A row's binary cross-entropies (math::bce) summed in double in order, their
// logs eight at a time; a short tail is padded, so every element's loss is
// the same wherever it sits.
double bce_row(const float* p, const float* t, int n) {
  const auto losses = [](cpu::float8 p8, cpu::float8 t8) {
    const cpu::float8 floor = cpu::float8{} - 100.0f, log_q = cpu::log1p8(-p8), log_p = cpu::log8(p8);
    return (t8 - 1.0f) * cpu::select(log_q < floor, floor, log_q) -
           t8 * cpu::select(log_p < floor, floor, log_p);
  };
  double sum = 0;
  int i = 0;
  for (; i + 8 <= n; i += 8) {
    const cpu::float8 l = losses(cpu::load8(p + i), cpu::load8(t + i));
    for (int k = 0; k < 8; ++k) sum += l[k];
  }
  if (i == n) return sum;
  float tail_p[8] = {}, tail_t[8] = {};
  std::memcpy(tail_p, p + i, (n - i) * sizeof(float));
  std::memcpy(tail_t, t + i, (n - i) * sizeof(float));
  const cpu::float8 l = losses(cpu::load8(tail_p), cpu::load8(tail_t));
  for (int k = 0; k < n - i; ++k) sum += l[k];
  return sum;
}

// sum_j e^(z_j - m) over a row in double, the exponentials eight at a time
// (into out unless it is null), each of the eight lanes summed apart and the
// lanes then in order: independent additions, and the same bits for a row
// wherever it is computed. A short tail is padded, so every element's term
// is the same wherever it sits.
double exp_sum(const float* z, int n, float m, float* out) {
  using double8 = double __attribute__((vector_size(64)));
  double8 lanes{};
  int i = 0;
  for (; i + 8 <= n; i += 8) {
    const cpu::float8 e = cpu::exp8(cpu::load8(z + i) - m);
    lanes += __builtin_convertvector(e, double8);
    if (out) cpu::store8(out + i, e);
  }
  if (i < n) {
    const int k = n - i;
    float tail[8] = {};
    std::memcpy(tail, z + i, static_cast<std::size_t>(k) * sizeof(float));
    const cpu::float8 e = cpu::exp8(cpu::load8(tail) - m);
    for (int l = 0; l < k; ++l) lanes[l] += static_cast<double>(e[l]);
    if (out) std::memcpy(out + i, &e, static_cast<std::size_t>(k) * sizeof(float));
  }
  double sum = 0;
  for (int l = 0; l < 8; ++l) sum += lanes[l];
  return sum;
}

// The largest of n floats, eight lanes at a time (a maximum is exact in any order).
float max_of(const float* z, int n) {
  float m = z[0];
  int i = 0;
  if (n >= 8) {
    cpu::float8 lanes = cpu::load8(z);
    for (i = 8; i + 8 <= n; i += 8) {
      const cpu::float8 v = cpu::load8(z + i);
      lanes = cpu::select(v > lanes, v, lanes);
    }
    for (int l = 0; l < 8; ++l) m = std::max(m, lanes[l]);
  }
  for (; i < n; ++i) m = std::max(m, z[i]);
  return m;
}

// B packed once into the SIMD kernel's panels; each product splits C's columns
// in whole panels over the threads, as gemm does (the same bits on any number).
class packed_product final : public prepared_product {
 public:
  packed_product(bool transpose_b, const_matrix_view b, int threads)
      : b_(simd_pack_b(transpose_b, b)), threads_(threads) {}

  void multiply(const_matrix_view a, const float* bias, matrix_view c) override {
    cpu::parallel_for(
        threads_, static_cast<std::size_t>(c.cols), count(c.rows, c.cols) * static_cast<std::size_t>(b_.k),
        [&](std::size_t begin, std::size_t end) {
          simd_gemm_packed(a, b_, bias, c, static_cast<int>(begin), static_cast<int>(end - begin));
        },
        static_cast<std::size_t>(simd_panel_width()));
  }

 private:
  packed_b b_;
  int threads_;
};

// The core primitives, and fast implementations of the element-wise, loss
// and optimizer families, of the direct convolutions (threaded by images)
// and of the per-pixel losses. The penalties, the variational code, GLocal-K's
// operations and the convolutions' data movement cost little beside the
// layers around them: they come from their host implementations, in place.
class cpu_backend final : public backend,
                          public elementwise_ops,
                          public loss_ops,
                          public optimizer_ops,
                          public conv_ops,
                          public pixel_loss_ops,
                          public lstm_ops,
                          public softmax_ops {
 public:
  explicit cpu_backend(int threads) : threads_(threads), host_conv_(conv_ops::host_fallback(*this)) {
    if (threads < 1) throw error(error_code::invalid_argument, "threads must be at least 1");
  }

  std::string name() const override { return "cpu"; }
  bool host_memory() const override { return true; }

  void* allocate(std::size_t bytes) override {
    // 64-byte alignment suits every SIMD width.
    void* p = std::aligned_alloc(64, (bytes + 63) / 64 * 64);
    if (!p) throw std::bad_alloc();
    return p;
  }
  void deallocate(void* p) noexcept override { std::free(p); }
  void to_device(void* dst, const void* src, std::size_t bytes) override { std::memcpy(dst, src, bytes); }
  void to_host(void* dst, const void* src, std::size_t bytes) override { std::memcpy(dst, src, bytes); }
  void fill(float* x, std::size_t n, float value) override {
    elementwise(n, [&](std::size_t i) { x[i] = value; });
  }

  // BLAS-1 as the 1 x n GEMMs that callers made before it existed, through
  // the same kernels, so that training keeps its bits: Eigen's GEMV adds
  // products to a zeroed result (-0 becomes +0) and sums a dot product in its
  // own order, which a copy or a plain loop would not reproduce.
  void copy(int n, const float* x, float* y) override {
    gemm(false, false, 1, {&one_, 1, 1}, {x, 1, n}, 0, {y, 1, n});
  }
  // In place a GEMM would read what it had zeroed, so the same sum written
  // out: alpha * x + 0 (Eigen multiplied fewer than 18 elements coefficient
  // by coefficient, keeping -0, which only tiny vectors ever met).
  void scal(int n, float alpha, float* x) override {
    elementwise(static_cast<std::size_t>(n), [&](std::size_t i) { x[i] = alpha * x[i] + 0.0f; });
  }
  void axpy(int n, float alpha, const float* x, float* y) override {
    gemm(false, false, alpha, {&one_, 1, 1}, {x, 1, n}, 1, {y, 1, n});
  }
  float dot(int n, const float* x, const float* y) override {
    float result = 0;
    gemm(false, true, 1, {x, 1, n}, {y, 1, n}, 0, {&result, 1, 1});
    return result;
  }

  // Each part owns a band of C's rows or columns, whichever dimension is
  // longer (each part packs the whole of the other operand, so this copies
  // least), and runs a single-threaded kernel on it: Eigen's own threading
  // barely pays at a batch's sizes.
  void gemm(bool transpose_a, bool transpose_b, float alpha, const_matrix_view a, const_matrix_view b,
            float beta, matrix_view c) override {
    const std::size_t depth = static_cast<std::size_t>(transpose_a ? a.rows : a.cols);
#ifdef __EMSCRIPTEN__
    // Eigen 3.4 has no WebAssembly SIMD path: there, the portable kernel is faster
    // (natively, Eigen's is, by 1.3-1.5x at a batch's sizes). In the threaded module a batch's
    // product splits by C's columns: each part reads its own columns of B, the larger operand.
    if (threads_ > 1 && simd_gemm_splits_columns(transpose_a, transpose_b, c.rows, static_cast<int>(depth)))
      cpu::parallel_for(
          threads_, static_cast<std::size_t>(c.cols), count(c.rows, c.cols) * depth,
          [&](std::size_t begin, std::size_t end) {
            simd_gemm_columns(transpose_a, transpose_b, alpha, a, b, beta, c, static_cast<int>(begin),
                              static_cast<int>(end - begin));
          },
          16);
    else
      simd_gemm(transpose_a, transpose_b, alpha, a, b, beta, c);
#else
    const bool by_columns = c.cols > c.rows;
    const std::size_t length = static_cast<std::size_t>(by_columns ? c.cols : c.rows);
    cpu::parallel_for(
        threads_, length, count(c.rows, c.cols) * depth,
        [&](std::size_t begin, std::size_t end) {
          gemm_band(transpose_a, transpose_b, alpha, a, b, beta, c, by_columns, begin, end - begin);
        },
        16);
#endif
  }

  // Natively, Eigen's or OpenBLAS's products beat the packed SIMD kernel even
  // without packing ahead; only the wasm module prepares (autoencoder::prepare_for_serving).
  std::unique_ptr<prepared_product> prepare_product(bool transpose_b, const_matrix_view b) override {
    return std::make_unique<packed_product>(transpose_b, b, threads_);
  }

  // Each part owns whole output rows.
  void sparse_dense(const sparse_view& x, const_matrix_view w, float beta, matrix_view c) override {
    const std::size_t n = static_cast<std::size_t>(w.cols);
    cpu::parallel_for(threads_, static_cast<std::size_t>(x.rows), static_cast<std::size_t>(x.nnz) * n,
                      [&](std::size_t begin, std::size_t end) {
                        scale_or_zero(c.data + count(static_cast<int>(begin), c.cols), (end - begin) * n,
                                      beta);
                        add_sparse_bands(x, static_cast<int>(begin), static_cast<int>(end), w, c);
                      });
  }

  // Each part owns a slice of G's columns, across every row: the scatter into
  // rows of G never races, and every element sums in entry order.
  void sparse_t_dense(const sparse_view& x, const_matrix_view d, float beta, matrix_view g) override {
    sparse_t_dense_at(x, d, beta, g, true);
  }

  void sparse_t_dense_rows(const sparse_view& x, const_matrix_view d, matrix_view g) override {
    sparse_t_dense_at(x, d, 0, g, false);
  }

  void sampled_product(const_matrix_view a, const_matrix_view b, const sparse_view& pattern,
                       const float* bias, float* out) override {
    const std::size_t k = static_cast<std::size_t>(a.cols);
    const std::size_t work = static_cast<std::size_t>(pattern.nnz) * k;
    if (by_column(pattern)) {
      // Each part owns whole columns (rows of B), each read once.
      cpu::parallel_for(
          threads_, static_cast<std::size_t>(pattern.cols), work, [&](std::size_t c0, std::size_t c1) {
            for (auto c = static_cast<int>(c0); c < static_cast<int>(c1); ++c)
              for (int s = column_offsets_[c]; s < column_offsets_[c + 1]; ++s)
                out[column_entries_[s]] =
                    cpu::dot(a.data + count(column_rows_[s], a.cols), b.data + count(c, b.cols), k) +
                    (bias ? bias[c] : 0.0f);
          });
      return;
    }
    by_rows(pattern.rows, work, [&](int r) {
      const float* row = a.data + count(r, a.cols);
      for (int e = pattern.offsets[r]; e < pattern.offsets[r + 1]; ++e) {
        const int c = pattern.cols_index[e];
        out[e] = cpu::dot(row, b.data + count(c, b.cols), k) + (bias ? bias[c] : 0.0f);
      }
    });
  }

  void gather(const_matrix_view x, const sparse_view& pattern, float* out) override {
    by_rows(pattern.rows, static_cast<std::size_t>(pattern.nnz), [&](int r) {
      const float* row = x.data + count(r, x.cols);
      for (int e = pattern.offsets[r]; e < pattern.offsets[r + 1]; ++e)
        out[e] = row[pattern.cols_index[e]] * pattern.values[e];
    });
  }

  void scatter(const sparse_view& x, matrix_view out) override {
    by_rows(out.rows, count(out.rows, out.cols), [&](int r) {
      float* row = out.data + count(r, out.cols);
      std::memset(row, 0, count(1, out.cols) * sizeof(float));
      for (int e = x.offsets[r]; e < x.offsets[r + 1]; ++e) row[x.cols_index[e]] = x.values[e];
    });
  }

  void multiply(const_matrix_view a, const_matrix_view b, matrix_view out) override {
    elementwise(count(a.rows, a.cols), [&](std::size_t i) { out.data[i] = a.data[i] * b.data[i]; });
  }

  void add_row_vector(matrix_view y, const float* bias) override {
    by_rows(y.rows, count(y.rows, y.cols), [&](int r) {
      float* row = y.data + count(r, y.cols);
      for (int j = 0; j < y.cols; ++j) row[j] += bias[j];
    });
  }

  void column_sums(const_matrix_view x, float beta, float* sums) override {
    Eigen::Map<Eigen::RowVectorXf> s(sums, x.cols);
    if (beta == 0)
      s = as_eigen(x).colwise().sum();
    else
      s = beta * s + as_eigen(x).colwise().sum();
  }

  // The vector forms' e^x cost about eight times a plain activation.
  void activation_forward(activation a, const_matrix_view z, matrix_view y) override {
    const std::size_t n = count(z.rows, z.cols);
    cpu::parallel_for(
        threads_, n, cpu::has_vector_form(a) ? 8 * n : n,
        [&](std::size_t begin, std::size_t end) {
          cpu::activate(a, z.data + begin, y.data + begin, end - begin);
        },
        16);
  }

  void activation_backward(activation a, const_matrix_view z, const_matrix_view y, const_matrix_view dy,
                           matrix_view dz) override {
    blocks(count(z.rows, z.cols), [&](std::size_t begin, std::size_t end) {
      cpu::activate_backward(a, z.data + begin, y.data + begin, dy.data + begin, dz.data + begin,
                             end - begin);
    });
  }

  void masked_squared_error(const_matrix_view output, const sparse_view& target, float grad_scale,
                            matrix_view grad, float* row_sums) override {
    by_rows(target.rows, count(target.rows, output.cols), [&](int r) {
      const float* o = output.data + count(r, output.cols);
      float* g = grad.data + count(r, grad.cols);
      std::memset(g, 0, count(1, grad.cols) * sizeof(float));
      row_sums[r] = row_squared_error(
          target, r, [&](int e, float err) { g[target.cols_index[e]] = grad_scale * err; },
          [&](int e) { return o[target.cols_index[e]]; });
    });
  }

  void rated_squared_error(const float* predicted, const sparse_view& target, float grad_scale, float* grad,
                           float* row_sums) override {
    by_rows(target.rows, static_cast<std::size_t>(target.nnz), [&](int r) {
      row_sums[r] = row_squared_error(
          target, r, [&](int e, float err) { grad[e] = grad_scale * err; },
          [&](int e) { return predicted[e]; });
    });
  }

  void multinomial_loss(const_matrix_view logits, const sparse_view& target, float grad_scale,
                        matrix_view grad, float* row_sums) override {
    math::multinomial_loss(logits, target, grad_scale, grad, row_sums);
  }

  void optimizer_step(const optimizer_config& config, long step, std::size_t n, float* param,
                      const float* grad, float* const state[3]) override {
    // A local copy of the scalars: stores to float arrays cannot alias it, so
    // the loop keeps them in registers and vectorises.
    const math::optimizer_scalars s = math::make_optimizer_scalars(config, step);
    float* const arrays[3] = {state[0], state[1], state[2]};
    math::with_optimizer_choices(s, [&](auto kind, auto decay, auto momentum, auto variant) {
      cpu::parallel_for(
          threads_, n, n,
          [&](std::size_t begin, std::size_t end) {
            const math::optimizer_scalars local = s;
            for (std::size_t i = begin; i < end; ++i)
              math::optimizer_element<kind(), decay(), momentum(), variant()>(local, param[i], grad[i],
                                                                              arrays, i);
          },
          16);
    });
  }

  void optimizer_step_rows(const optimizer_config& config, long step, std::size_t row_length,
                           const std::int32_t* rows, std::size_t count, float* param, const float* grad,
                           float* const state[3]) override {
    // As optimizer_step, its choices made once for all the rows, not once a row.
    const math::optimizer_scalars s = math::make_optimizer_scalars(config, step);
    float* const arrays[3] = {state[0], state[1], state[2]};
    math::with_optimizer_choices(s, [&](auto kind, auto decay, auto momentum, auto variant) {
      cpu::parallel_for(threads_, count, count * row_length, [&](std::size_t begin, std::size_t end) {
        const math::optimizer_scalars local = s;
        for (std::size_t r = begin; r < end; ++r) {
          const std::size_t first = static_cast<std::size_t>(rows[r]) * row_length;
          for (std::size_t i = first; i < first + row_length; ++i)
            math::optimizer_element<kind(), decay(), momentum(), variant()>(local, param[i], grad[i], arrays,
                                                                            i);
        }
      });
    });
  }

 private:
  // G = X^T D + beta G; `all_rows` false: only G's rows that are columns of X
  // with entries, the others untouched (sparse_t_dense_rows).
  void sparse_t_dense_at(const sparse_view& x, const_matrix_view d, float beta, matrix_view g,
                         bool all_rows) {
    const std::size_t n = static_cast<std::size_t>(d.cols);
    const std::size_t work = (static_cast<std::size_t>(x.nnz) + (all_rows ? count(g.rows, 1) : 0)) * n;
    if (by_column(x)) {
      // One pass over G: each row scaled, then its entries added while it is in cache.
      cpu::parallel_for(
          threads_, n, work,
          [&](std::size_t j0, std::size_t j1) {
            for (int k = 0; k < g.rows; ++k) {
              if (!all_rows && column_offsets_[k] == column_offsets_[k + 1]) continue;
              float* row = g.data + count(k, g.cols) + j0;
              scale_or_zero(row, j1 - j0, beta);
              for (int s = column_offsets_[k]; s < column_offsets_[k + 1]; ++s)
                cpu::axpy(x.values[column_entries_[s]], d.data + count(column_rows_[s], d.cols) + j0, row,
                          j1 - j0);
            }
          },
          16);
      return;
    }
    cpu::parallel_for(
        threads_, n, work,
        [&](std::size_t j0, std::size_t j1) {
          if (!all_rows)  // each entry's row, before any is added to
            for (int e = 0; e < x.nnz; ++e)
              scale_or_zero(g.data + count(x.cols_index[e], g.cols) + j0, j1 - j0, beta);
          else if (j1 - j0 == n)  // the whole of G: one pass, not one per row
            scale_or_zero(g.data, count(g.rows, g.cols), beta);
          else
            for (int i = 0; i < g.rows; ++i) scale_or_zero(g.data + count(i, g.cols) + j0, j1 - j0, beta);
          for (int r = 0; r < x.rows; ++r) {
            const float* in = d.data + count(r, d.cols) + j0;
            for (int e = x.offsets[r]; e < x.offsets[r + 1]; ++e)
              cpu::axpy(x.values[e], in, g.data + count(x.cols_index[e], g.cols) + j0, j1 - j0);
          }
        },
        16);
  }

  // Whether to visit x's entries by column: in a batch of many users, a
  // column (a movie) recurs, and visiting its entries together reads or writes
  // its row of weights once instead of once per entry. Also indexes them so.
  bool by_column(const sparse_view& x) {
    constexpr int min_rows = 16;
    if (x.rows < min_rows) return false;
    index_columns(x);
    return true;
  }

  // x's entries grouped by column, rows ascending within each (a counting
  // sort, O(nnz + cols): small beside the products that use it).
  void index_columns(const sparse_view& x) {
    column_offsets_.assign(static_cast<std::size_t>(x.cols) + 1, 0);
    for (int e = 0; e < x.nnz; ++e) ++column_offsets_[static_cast<std::size_t>(x.cols_index[e]) + 1];
    std::partial_sum(column_offsets_.begin(), column_offsets_.end(), column_offsets_.begin());
    next_.assign(column_offsets_.begin(), column_offsets_.end() - 1);
    column_rows_.resize(static_cast<std::size_t>(x.nnz));
    column_entries_.resize(static_cast<std::size_t>(x.nnz));
    for (int r = 0; r < x.rows; ++r)
      for (int e = x.offsets[r]; e < x.offsets[r + 1]; ++e) {
        const int slot = next_[static_cast<std::size_t>(x.cols_index[e])]++;
        column_rows_[static_cast<std::size_t>(slot)] = r;
        column_entries_[static_cast<std::size_t>(slot)] = e;
      }
  }

  // f(i) for every i in [0, n), in parts.
  template <class F>
  void elementwise(std::size_t n, F&& f) {
    cpu::parallel_for(
        threads_, n, n,
        [&](std::size_t begin, std::size_t end) {
          for (std::size_t i = begin; i < end; ++i) f(i);
        },
        16);
  }

  // The convolutions' data movement, as the host implementation does it.
  void im2col(const conv_geometry& g, const_matrix_view images, matrix_view columns) override {
    host_conv_->im2col(g, images, columns);
  }
  void col2im(const conv_geometry& g, const_matrix_view columns, matrix_view images) override {
    host_conv_->col2im(g, columns, images);
  }
  void columns_to_rows(const_matrix_view columns, matrix_view rows) override {
    host_conv_->columns_to_rows(columns, rows);
  }
  void rows_to_columns(const_matrix_view rows, matrix_view columns) override {
    host_conv_->rows_to_columns(rows, columns);
  }
  void fill_channels(const float* values, int channels, matrix_view rows) override {
    host_conv_->fill_channels(values, channels, rows);
  }
  void channel_sums(const_matrix_view rows, int channels, float beta, float* sums) override {
    host_conv_->channel_sums(rows, channels, beta, sums);
  }

  double pixel_loss(pixel_loss_kind kind, const_matrix_view output, const_matrix_view target, float* grad,
                    float* row_sums) override {
    return math::pixel_loss_rows(kind, output.data, target.data, output.rows, output.cols, grad, row_sums,
                                 bce_row);
  }

  // The LSTM gates and softmax cross-entropy, threaded by rows.
  void lstm_forward(matrix_view gates, const float* c_prev, matrix_view c, matrix_view h) override {
    by_rows(c.rows, 16 * count(c.rows, c.cols), [&](int r) {
      const std::size_t at = count(r, c.cols);
      cpu::lstm_forward_row(gates.data + count(r, gates.cols), c_prev ? c_prev + at : nullptr, c.data + at,
                            h.data + at, c.cols);
    });
  }
  void lstm_backward(const_matrix_view gates, const float* c_prev, const_matrix_view c, const_matrix_view dh,
                     matrix_view dc, matrix_view d_gates) override {
    by_rows(c.rows, 8 * count(c.rows, c.cols), [&](int r) {
      const std::size_t at = count(r, c.cols), row = count(r, gates.cols);
      cpu::lstm_backward_row(gates.data + row, c_prev ? c_prev + at : nullptr, c.data + at, dh.data + at,
                             dc.data + at, d_gates.data + row, c.cols);
    });
  }
  void softmax_cross_entropy(const_matrix_view logits, const std::int32_t* targets, float scale, float* grad,
                             float* losses) override {
    by_rows(logits.rows, 8 * count(logits.rows, logits.cols), [&](int r) {
      const std::size_t at = count(r, logits.cols);
      losses[r] = math::softmax_cross_entropy_row(logits.data + at, logits.cols, targets[r], scale,
                                                  grad ? grad + at : nullptr, max_of, exp_sum);
    });
  }

  // The direct convolutions, each part of the threads a range of the images.
  void direct_correlate(const conv_geometry& g, int out_channels, const float* weight, const float* bias,
                        activation act, const_matrix_view images, matrix_view rows) override {
    AEREC_ASSERT(g.stride == 1);
    by_images(g, out_channels, images.rows, 1, [&](std::size_t, int first, int n) {
      direct_conv::correlate(g, out_channels, weight, bias, act, images.data + count(first, images.cols), n,
                             rows.data + count(first, rows.cols));
    });
  }
  // Each part's kernel-gradient sums apart, then added in the parts' order;
  // the parts split at multiples of backward's chunk: the same bits for any
  // thread count.
  void direct_backward(const conv_geometry& g, int out_channels, const float* weight, activation act,
                       const_matrix_view images, const_matrix_view rows, const_matrix_view d_rows, float beta,
                       float* weight_grad, float* bias_grad, matrix_view d_images) override {
    AEREC_ASSERT(g.stride == 1 && g.padding < g.kernel);
    const int chunk = direct_conv::backward_chunk(g, out_channels, d_images.data != nullptr);
    std::vector<std::vector<double>> parts(image_parts(g, out_channels, images.rows, chunk).size() - 1);
    by_images(g, out_channels, images.rows, chunk, [&](std::size_t p, int first, int n) {
      parts[p] =
          direct_conv::backward(g, out_channels, weight, act, images.data + count(first, images.cols),
                                rows.data + count(first, rows.cols), d_rows.data + count(first, d_rows.cols),
                                n, d_images.data ? d_images.data + count(first, d_images.cols) : nullptr);
    });
    direct_conv::store_gradients(parts, g, out_channels, beta, weight_grad, bias_grad);
  }

  // f(begin, end) over parts of [0, n), one element's work each.
  template <class F>
  void blocks(std::size_t n, F&& f) {
    cpu::parallel_for(threads_, n, n, f, 16);
  }

  // f(r) for every row, in parts of whole rows; `work` is the total cost.
  template <class F>
  void by_rows(int rows, std::size_t work, F&& f) {
    cpu::parallel_for(threads_, static_cast<std::size_t>(rows), work,
                      [&](std::size_t begin, std::size_t end) {
                        for (std::size_t r = begin; r < end; ++r) f(static_cast<int>(r));
                      });
  }

  // Row r's sum of squared errors over its target entries, with on_error(e,
  // predicted - target) for each entry e and predicted(e) its output.
  template <class OnError, class Predicted>
  static float row_squared_error(const sparse_view& target, int r, OnError&& on_error,
                                 Predicted&& predicted) {
    double sum = 0;
    for (int e = target.offsets[r]; e < target.offsets[r + 1]; ++e) {
      const float err = predicted(e) - target.values[e];
      sum += static_cast<double>(err) * err;
      on_error(e, err);
    }
    return static_cast<float>(sum);
  }

  // A direct convolution's multiply-adds over `images`.
  static std::size_t conv_work(const conv_geometry& g, int out_channels, int images) {
    return count(images, out_channels) * static_cast<std::size_t>(g.patch()) *
           static_cast<std::size_t>(g.positions());
  }

  // The parts' first images, multiples of `unit`, and the end: a part for
  // each thread, one when the work is too small to share.
  std::vector<int> image_parts(const conv_geometry& g, int out_channels, int images, int unit) const {
    const int units = (images + unit - 1) / unit;
    const int parts = conv_work(g, out_channels, images) < cpu::min_parallel_work
                          ? 1
                          : std::max(1, std::min(threads_, units));
    std::vector<int> firsts;
    for (int p = 0; p <= parts; ++p)
      firsts.push_back(std::min(images, unit * static_cast<int>(static_cast<long>(units) * p / parts)));
    return firsts;
  }

  // f(part, first, n) for each part's images [first, first + n), the parts in parallel.
  template <class F>
  void by_images(const conv_geometry& g, int out_channels, int images, int unit, F&& f) {
    const std::vector<int> firsts = image_parts(g, out_channels, images, unit);
    cpu::parallel_for(threads_, firsts.size() - 1, conv_work(g, out_channels, images),
                      [&](std::size_t p0, std::size_t p1) {
                        for (std::size_t p = p0; p < p1; ++p)
                          if (firsts[p] < firsts[p + 1]) f(p, firsts[p], firsts[p + 1] - firsts[p]);
                      });
  }

  int threads_;
  std::unique_ptr<conv_ops> host_conv_;
  const float one_ = 1;  // the left factor of BLAS-1's GEMMs
  std::vector<int> column_offsets_, column_rows_, column_entries_, next_;  // index_columns
};

}  // namespace

std::unique_ptr<backend> make_cpu_backend(int threads) { return std::make_unique<cpu_backend>(threads); }

}  // namespace aerec
