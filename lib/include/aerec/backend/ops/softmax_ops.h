#pragma once
// Softmax cross-entropy over rows of logits, each row against one target
// class or none (nn.CrossEntropyLoss's per-row terms, ignore_index -1). An op
// family (backend.h).
#include <cstdint>
#include <memory>

#include "aerec/backend/backend.h"

namespace aerec {

class softmax_ops : public op_family {
 public:
  // For each row r of logits (n x classes) with targets[r] = t >= 0:
  // losses[r] = log sum_j e^z_j - z_t, the row's maximum subtracted first and
  // the sum in double, and unless grad is null grad's row = scale *
  // (softmax(z) - one_hot(t)). A row with t = -1 gets loss 0 and gradient 0.
  // targets: n int32 in -1..classes-1 (the caller checks), backend memory.
  virtual void softmax_cross_entropy(const_matrix_view logits, const std::int32_t* targets, float scale,
                                     float* grad, float* losses) = 0;

  // The plain loops, on b's memory (lib/src/backend/host/).
  static std::unique_ptr<softmax_ops> host_fallback(backend& b);
};

}  // namespace aerec
