#pragma once
// The compute seam. Model, trainer and model files call only this interface;
// each backend (CPU now, CUDA later) owns its memory and implements the
// operations. Matrices are row-major and contiguous; pointers in views point
// at the backend's memory.
#include <cstddef>
#include <string>

#include "aerec/nn/activation.h"
#include "aerec/train/optimizer_config.h"
#include "aerec/nn/penalty.h"

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

class backend {
 public:
  virtual ~backend() = default;
  virtual std::string name() const = 0;
  // Whether a dense product of a matrix that is mostly non-zero (a dropout
  // mask's survivors, say) beats the sparse kernels: on a GPU it does, on a
  // CPU multiplying only the non-zeros is faster.
  virtual bool dense_beats_sparse() const { return false; }

  // Memory.
  virtual void* allocate(std::size_t bytes) = 0;
  virtual void deallocate(void* p) noexcept = 0;
  virtual void to_device(void* device_dst, const void* host_src, std::size_t bytes) = 0;
  virtual void to_host(void* host_dst, const void* device_src, std::size_t bytes) = 0;
  virtual void fill(float* x, std::size_t n, float value) = 0;

  // C = alpha * op(A) * op(B) + beta * C, op transposing when asked. beta = 0
  // overwrites C (whatever it held, NaN included).
  virtual void gemm(bool transpose_a, bool transpose_b, float alpha, const_matrix_view a,
                    const_matrix_view b, float beta, matrix_view c) = 0;
  // C = X * W + beta * C for sparse X (rows x k) and dense W (k x n).
  virtual void sparse_dense(const sparse_view& x, const_matrix_view w, float beta,
                            matrix_view c) = 0;
  // G = X^T * D + beta * G for sparse X (rows x k) and dense D (rows x n).
  virtual void sparse_t_dense(const sparse_view& x, const_matrix_view d, float beta,
                              matrix_view g) = 0;
  // The product A * B^T only where `pattern` has entries: out[e] = dot(A row r,
  // B row c) (+ bias[c] unless bias is null) for each entry e = (r, c), in the
  // pattern's order. A is pattern.rows x k, B is pattern.cols x k. This is how
  // a loss over the rated outputs avoids the full rows x items product.
  virtual void sampled_product(const_matrix_view a, const_matrix_view b,
                               const sparse_view& pattern, const float* bias, float* out) = 0;
  // out[e] = x(r, c) * pattern.values[e] for each entry e = (r, c) of `pattern`
  // (x is pattern.rows x pattern.cols): x's elements at the entries, scaled.
  virtual void gather(const_matrix_view x, const sparse_view& pattern, float* out) = 0;
  // out = x as a dense matrix, zero where x has no entry.
  virtual void scatter(const sparse_view& x, matrix_view out) = 0;
  // out = a * b element by element (out may be a or b).
  virtual void multiply(const_matrix_view a, const_matrix_view b, matrix_view out) = 0;
  // Adds the row vector `bias` (y.cols long) to every row of y.
  virtual void add_row_vector(matrix_view y, const float* bias) = 0;
  // sums[j] = sum_i x(i, j) + beta * sums[j].
  virtual void column_sums(const_matrix_view x, float beta, float* sums) = 0;

  virtual void activation_forward(activation a, const_matrix_view z, matrix_view y) = 0;
  // dz = dy * activation'(z), given z and y = activation(z).
  virtual void activation_backward(activation a, const_matrix_view z, const_matrix_view y,
                                   const_matrix_view dy, matrix_view dz) = 0;

  // Masked squared error of `output` against the sparse `target` (only its
  // entries count): row_sums[i] = sum over row i's entries of (o - t)^2, and
  // grad = grad_scale * (o - t) at those entries, 0 elsewhere.
  virtual void masked_squared_error(const_matrix_view output, const sparse_view& target,
                                    float grad_scale, matrix_view grad, float* row_sums) = 0;

  // The same for outputs known only at the target's entries: `predicted` and
  // `grad` hold one value per entry of `target`, in its order.
  virtual void rated_squared_error(const float* predicted, const sparse_view& target,
                                   float grad_scale, float* grad, float* row_sums) = 0;

  // The sparse autoencoder's penalty (penalty.h) on a layer's activations h
  // (rows x units): returns its value and, unless d_out is null, sets
  // d_out = d_in + dP/dh (d_out may be d_in's memory).
  virtual double activity_penalty(const aerec::activity_penalty& p, const_matrix_view h,
                                  const_matrix_view d_in, float* d_out) = 0;
  // The contractive penalty of a layer y = act(xW + b), act sigmoid or tanh, W
  // inputs x units, y rows x units: weight / rows * sum_ij act'(z_ij)^2 *
  // sum_k W_kj^2. Returns it; unless d_out is null sets d_out = d_in + dP/dy
  // (the path through z), and unless w_grad is null adds dP/dW (the path
  // through W alone) to w_grad.
  virtual double contractive_penalty(activation a, float weight, const_matrix_view w,
                                     const_matrix_view y, const_matrix_view d_in, float* d_out,
                                     float* w_grad) = 0;

  // A variational autoencoder's code: z = mu + eps * exp(logvar / 2) for
  // x = [mu | logvar] (rows x 2k; eps and z rows x k); z = mu when eps is null.
  virtual void gaussian_sample(const_matrix_view x, const float* eps, matrix_view z) = 0;
  // Returns kl_weight times the batch's mean KL divergence of N(mu,
  // exp(logvar)) from N(0, 1); unless dx is null, sets dx (rows x 2k) to
  // dL/dx given dz = dL/dz (rows x k) through the sample, plus the KL term's.
  virtual double gaussian_backward(const_matrix_view x, const float* eps, const float* dz,
                                   float kl_weight, float* dx) = 0;
  // Each row's negative multinomial log-likelihood of its `target` entries
  // (each counts once, whatever its value: implicit feedback) under
  // softmax(logits row), into row_sums; grad = grad_scale * dL/dlogits (dense).
  virtual void multinomial_loss(const_matrix_view logits, const sparse_view& target,
                                float grad_scale, matrix_view grad, float* row_sums) = 0;

  // GLocal-K's local kernel between points a (rows x d) and b (cols x d):
  // kernel(i, j) = max(0, 1 - |a_i - b_j|^2), and w_eff = w * kernel element
  // by element (all rows x cols). Returns the sum of kernel's squares.
  virtual double local_kernel(const_matrix_view a, const_matrix_view b, const float* w,
                              float* kernel, float* w_eff) = 0;
  // Its backward, given d_eff = dL/dw_eff: dw = beta * dw + d_eff * kernel,
  // and da, db = beta * (da, db) + their gradients through kernel, where
  // dL/dkernel = d_eff * w + penalty * kernel (penalty / 2 * sum kernel^2 is
  // the kernel's L2 penalty). beta 0 overwrites.
  virtual void local_kernel_backward(const_matrix_view a, const_matrix_view b, const float* w,
                                     const float* kernel, const float* d_eff, float penalty,
                                     float beta, float* dw, float* da, float* db) = 0;
  // GLocal-K's global convolution: out = x convolved with the size x size
  // kernel k (odd size, cross-correlation with zero padding keeping x's shape,
  // as tf.nn.conv2d's "SAME").
  virtual void global_convolve(const_matrix_view x, const float* k, int size, matrix_view out) = 0;
  // dk = dL/dk given d = dL/dout of global_convolve(x, k).
  virtual void global_convolve_kernel_grad(const_matrix_view x, const_matrix_view d, int size,
                                           float* dk) = 0;

  // One optimizer step over n elements; `step` counts from 1; state[k] are the
  // optimizer's state arrays (optimizer_state_count of them).
  virtual void optimizer_step(const optimizer_config& config, long step, std::size_t n,
                              float* param, const float* grad, float* const state[3]) = 0;
};

}  // namespace aerec
