#pragma once
// Element-wise operations, bias rows, column sums and activations: an op
// family (backend.h).
#include <memory>

#include "aerec/backend/backend.h"
#include "aerec/nn/activation.h"

namespace aerec {

class elementwise_ops : public op_family {
 public:
  // out = a * b element by element (out may be a or b).
  virtual void multiply(const_matrix_view a, const_matrix_view b, matrix_view out) = 0;
  // Adds the row vector `bias` (y.cols long) to every row of y.
  virtual void add_row_vector(matrix_view y, const float* bias) = 0;
  // sums[j] = sum_i x(i, j) + beta * sums[j]; beta 0 overwrites.
  virtual void column_sums(const_matrix_view x, float beta, float* sums) = 0;

  virtual void activation_forward(activation a, const_matrix_view z, matrix_view y) = 0;
  // dz = dy * activation'(z), given z and y = activation(z).
  virtual void activation_backward(activation a, const_matrix_view z, const_matrix_view y,
                                   const_matrix_view dy, matrix_view dz) = 0;

  // The plain loops, on b's memory (lib/src/backend/host/).
  static std::unique_ptr<elementwise_ops> host_fallback(backend& b);
};

}  // namespace aerec
