#pragma once
// GLocal-K's global kernel (Han et al. 2021): a size x size convolution
// kernel made from the autoencoder's reconstruction of the whole rating
// matrix, which convolves the rating matrix into the input that the
// autoencoder then takes. With R the ratings (rows x cols, 0 = not rated)
// and Y the reconstruction of R:
//   pooled = each row's mean of Y                  (rows)
//   kernel = dot_scale * pooled^T C                (size^2; C rows x size^2, trained)
//   input  = relu(convolve(R, kernel))             (rows x cols)
#include "aerec/backend/device_array.h"
#include "aerec/core/rng.h"
#include "aerec/data/sparse_batch.h"
#include "aerec/nn/layer.h"

namespace aerec {

struct global_kernel_shape {
  int rows = 0;  // the rating matrix's rows: the model's training rows, all of them
  int size = 3;  // odd
  float dot_scale = 1;
};

// Why `shape` cannot be a global kernel for a matrix `cols` wide; empty when it can.
std::string global_kernel_problem(const global_kernel_shape& shape);

class global_kernel {
 public:
  global_kernel(backend& b, const global_kernel_shape& shape, int cols);

  const global_kernel_shape& shape() const { return shape_; }
  // C from a truncated normal of sd 0.1, as GLocal-K.
  void initialize(rng& random);
  // "weights": C, rows x size^2.
  parameter weights();

  // The autoencoder's input for the whole matrix `ratings` given its
  // reconstruction of them: every entry, valued as above. Kept until the next call.
  const sparse_view& transform(const sparse_view& ratings, const_matrix_view reconstruction);
  const sparse_view& last_input() const { return input_; }
  // Given dL/d(input) at each of its entries, sets C's gradient to beta * it
  // + dL/dC and returns dL/d(reconstruction) (rows x cols).
  const_matrix_view backward(const float* d_input, float beta);

 private:
  matrix_view matrix(device_array<float>& a, int rows, int cols) { return {a.data(), rows, cols}; }

  backend& backend_;
  global_kernel_shape shape_;
  int cols_;
  device_array<float> weights_, weights_grad_;
  device_array<float> ones_;  // cols of 1, a row or a column as needed
  device_array<float> pooled_, kernel_, ratings_, convolved_, input_values_;  // forward
  device_array<float> d_convolved_, d_kernel_, d_pooled_, d_reconstruction_;  // backward
  device_sparse every_entry_;
  sparse_view input_{};
};

}  // namespace aerec
