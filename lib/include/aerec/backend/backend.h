#pragma once
// The compute seam. Model, trainer and model files call only this interface;
// each backend (CPU, CUDA) owns its memory. It has two parts:
//  - the core primitives below, which every backend implements: memory,
//    BLAS-1, GEMM, the sparse products, gather and scatter;
//  - op families (aerec/backend/ops/*.h: element-wise, losses, penalties,
//    the variational code, GLocal-K, optimizer steps), reached through
//    ops<family>(backend). Each family has one host implementation, plain
//    loops that serve every backend that does not implement the family
//    itself, GPUs included (they stage their arrays through the host).
// Why: a new family then costs its interface and one host implementation,
// and a fast implementation only on the backends that want speed, not one
// on every backend for it to exist at all.
// Matrices are row-major and contiguous; pointers in views point at the
// backend's memory.
#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <typeindex>

namespace aerec {

struct matrix_view {
  float* data;
  int rows;
  int cols;
};

struct const_matrix_view {
  const float* data;
  int rows;
  int cols;
  const_matrix_view(const float* d, int r, int c) : data(d), rows(r), cols(c) {}
  const_matrix_view(matrix_view m) : data(m.data), rows(m.rows), cols(m.cols) {}  // NOLINT
};

// A batch of sparse rows in CSR form (offsets has rows + 1 entries).
struct sparse_view {
  int rows;
  int cols;
  int nnz;
  const int* offsets;
  const int* cols_index;
  const float* values;
};

// The base of every op family's interface (ops/*.h), so that a backend can
// keep the host implementations it falls back on.
class op_family {
 public:
  virtual ~op_family() = default;
};

// A matrix B prepared once for many products A op(B) (a served model's
// weights), kept by the backend in the layout its kernel reads: no packing per
// product. B must not change while this is in use.
class prepared_product {
 public:
  virtual ~prepared_product() = default;
  // C = A op(B) + bias, A not transposed, C overwritten; `bias` holds C's
  // column biases (a row added to every row), or is null for none.
  virtual void multiply(const_matrix_view a, const float* bias, matrix_view c) = 0;
};

class backend {
 public:
  backend() = default;
  backend(const backend&) = delete;
  backend& operator=(const backend&) = delete;
  virtual ~backend() = default;

  virtual std::string name() const = 0;
  // Whether a dense product of a matrix that is mostly non-zero (a dropout
  // mask's survivors, say) beats the sparse kernels: on a GPU it does, on a
  // CPU multiplying only the non-zeros is faster.
  virtual bool dense_beats_sparse() const { return false; }
  // Whether host code may read and write this backend's memory directly. The
  // host implementations of op families then work on it in place; otherwise
  // they copy their arrays to the host and back.
  virtual bool host_memory() const = 0;

  // Memory.
  virtual void* allocate(std::size_t bytes) = 0;
  virtual void deallocate(void* p) noexcept = 0;
  virtual void to_device(void* device_dst, const void* host_src, std::size_t bytes) = 0;
  virtual void to_host(void* host_dst, const void* device_src, std::size_t bytes) = 0;
  virtual void fill(float* x, std::size_t n, float value) = 0;

  // BLAS-1 over n elements: y = x; x = alpha * x; y += alpha * x; and x . y.
  virtual void copy(int n, const float* x, float* y) = 0;
  virtual void scal(int n, float alpha, float* x) = 0;
  virtual void axpy(int n, float alpha, const float* x, float* y) = 0;
  virtual float dot(int n, const float* x, const float* y) = 0;

  // C = alpha * op(A) * op(B) + beta * C, op transposing when asked. beta = 0
  // overwrites C (whatever it held, NaN included).
  virtual void gemm(bool transpose_a, bool transpose_b, float alpha, const_matrix_view a, const_matrix_view b,
                    float beta, matrix_view c) = 0;
  // B prepared for products by it (see prepared_product); null where the
  // backend gains nothing by it, and gemm serves.
  virtual std::unique_ptr<prepared_product> prepare_product(bool /*transpose_b*/, const_matrix_view /*b*/) {
    return nullptr;
  }
  // C = X * W + beta * C for sparse X (rows x k) and dense W (k x n).
  virtual void sparse_dense(const sparse_view& x, const_matrix_view w, float beta, matrix_view c) = 0;
  // G = X^T * D + beta * G for sparse X (rows x k) and dense D (rows x n).
  virtual void sparse_t_dense(const sparse_view& x, const_matrix_view d, float beta, matrix_view g) = 0;
  // G = X^T * D at the rows of G that are columns of X with entries; the other
  // rows are left undefined (stale), for lazy optimizer updates, which read
  // only those rows. The default computes the whole of G.
  virtual void sparse_t_dense_rows(const sparse_view& x, const_matrix_view d, matrix_view g) {
    sparse_t_dense(x, d, 0, g);
  }
  // The product A * B^T only where `pattern` has entries: out[e] = dot(A row r,
  // B row c) (+ bias[c] unless bias is null) for each entry e = (r, c), in the
  // pattern's order. A is pattern.rows x k, B is pattern.cols x k. This is how
  // a loss over the rated outputs avoids the full rows x items product.
  virtual void sampled_product(const_matrix_view a, const_matrix_view b, const sparse_view& pattern,
                               const float* bias, float* out) = 0;
  // out[e] = x(r, c) * pattern.values[e] for each entry e = (r, c) of `pattern`
  // (x is pattern.rows x pattern.cols): x's elements at the entries, scaled.
  virtual void gather(const_matrix_view x, const sparse_view& pattern, float* out) = 0;
  // out = x as a dense matrix, zero where x has no entry.
  virtual void scatter(const sparse_view& x, matrix_view out) = 0;

 private:
  template <class Family>
  friend Family& ops(backend& b);

  std::map<std::type_index, std::unique_ptr<op_family>> fallbacks_;  // by family, made on first use
};

// The op family `Family` on b: b's own implementation when b implements the
// family (derives from its interface), else the family's host implementation,
// made on first use and kept with b. Not for concurrent first uses, as no
// backend call is.
template <class Family>
Family& ops(backend& b) {
  if (auto* own = dynamic_cast<Family*>(&b)) return *own;
  std::unique_ptr<op_family>& fallback = b.fallbacks_[typeid(Family)];
  if (!fallback) fallback = Family::host_fallback(b);
  return static_cast<Family&>(*fallback);
}

}  // namespace aerec
