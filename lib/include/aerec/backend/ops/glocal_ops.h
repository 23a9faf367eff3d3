#pragma once
// GLocal-K's operations: the local kernel that sparsifies a layer's weights,
// and the global convolution of the rating matrix. An op family (backend.h).
#include <memory>

#include "aerec/backend/backend.h"

namespace aerec {

class glocal_ops : public op_family {
 public:
  // The local kernel between points a (rows x d) and b (cols x d):
  // kernel(i, j) = max(0, 1 - |a_i - b_j|^2), and w_eff = w * kernel element
  // by element (all rows x cols). Returns the sum of kernel's squares.
  virtual double local_kernel(const_matrix_view a, const_matrix_view b, const float* w, float* kernel,
                              float* w_eff) = 0;
  // Its backward, given d_eff = dL/dw_eff: dw = beta * dw + d_eff * kernel,
  // and da, db = beta * (da, db) + their gradients through kernel, where
  // dL/dkernel = d_eff * w + penalty * kernel (penalty / 2 * sum kernel^2 is
  // the kernel's L2 penalty). beta 0 overwrites.
  virtual void local_kernel_backward(const_matrix_view a, const_matrix_view b, const float* w,
                                     const float* kernel, const float* d_eff, float penalty, float beta,
                                     float* dw, float* da, float* db) = 0;
  // The global convolution: out = x convolved with the size x size kernel k
  // (odd size, cross-correlation with zero padding keeping x's shape, as
  // tf.nn.conv2d's "SAME").
  virtual void global_convolve(const_matrix_view x, const float* k, int size, matrix_view out) = 0;
  // dk = dL/dk given d = dL/dout of global_convolve(x, k).
  virtual void global_convolve_kernel_grad(const_matrix_view x, const_matrix_view d, int size, float* dk) = 0;

  // The plain loops, on b's memory (lib/src/backend/host/).
  static std::unique_ptr<glocal_ops> host_fallback(backend& b);
};

}  // namespace aerec
