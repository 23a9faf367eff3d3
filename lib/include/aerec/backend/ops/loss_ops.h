#pragma once
// The losses: masked squared error over full or rated outputs, and the
// multinomial likelihood. An op family (backend.h).
#include <memory>

#include "aerec/backend/backend.h"

namespace aerec {

class loss_ops : public op_family {
 public:
  // Masked squared error of `output` against the sparse `target` (only its
  // entries count): row_sums[i] = sum over row i's entries of (o - t)^2, and
  // grad = grad_scale * (o - t) at those entries, 0 elsewhere.
  virtual void masked_squared_error(const_matrix_view output, const sparse_view& target, float grad_scale,
                                    matrix_view grad, float* row_sums) = 0;

  // The same for outputs known only at the target's entries: `predicted` and
  // `grad` hold one value per entry of `target`, in its order.
  virtual void rated_squared_error(const float* predicted, const sparse_view& target, float grad_scale,
                                   float* grad, float* row_sums) = 0;

  // Each row's negative multinomial log-likelihood of its `target` entries
  // (each counts once, whatever its value: implicit feedback) under
  // softmax(logits row), into row_sums; grad = grad_scale * dL/dlogits (dense).
  virtual void multinomial_loss(const_matrix_view logits, const sparse_view& target, float grad_scale,
                                matrix_view grad, float* row_sums) = 0;

  // The plain loops, on b's memory (lib/src/backend/host/).
  static std::unique_ptr<loss_ops> host_fallback(backend& b);
};

}  // namespace aerec
