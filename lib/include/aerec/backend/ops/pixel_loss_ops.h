#pragma once
// The per-pixel losses of dense outputs (aerec/nn/pixel_loss.h). An op
// family (backend.h).
#include <memory>

#include "aerec/backend/backend.h"
#include "aerec/nn/pixel_loss.h"

namespace aerec {

class pixel_loss_ops : public op_family {
 public:
  // The per-pixel loss `kind` of output p against target t (same shape):
  // returns the sum over every pixel and sets row_sums[r] to row r's, both
  // summed in double; unless grad is null, grad = d(sum / N)/dp for N =
  // rows x cols, as PyTorch's mean reduction computes it: bce (p - t) /
  // max(p (1 - p), 1e-12) / N, mse 2 / N * (p - t).
  virtual double pixel_loss(pixel_loss_kind kind, const_matrix_view output, const_matrix_view target,
                            float* grad, float* row_sums) = 0;

  // The plain loops, on b's memory (lib/src/backend/host/).
  static std::unique_ptr<pixel_loss_ops> host_fallback(backend& b);
};

}  // namespace aerec
