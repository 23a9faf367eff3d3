#pragma once
// The gate non-linearities of an LSTM step, forward and backward (PyTorch's
// nn.LSTM cell); the products around them go through the backend's GEMM. An
// op family (backend.h).
#include <memory>

#include "aerec/backend/backend.h"

namespace aerec {

class lstm_ops : public op_family {
 public:
  // One step for n rows of h units. gates (n x 4h) holds the pre-activations
  // z = x W_ih^T + h_prev W_hh^T + b, blocks i, f, g, o in that order, and is
  // replaced by the activations: i, f, o sigmoid, g tanh. Then c = f c_prev +
  // i g and h = o tanh(c) (each n x h); c_prev null stands for zeros.
  virtual void lstm_forward(matrix_view gates, const float* c_prev, matrix_view c, matrix_view h) = 0;
  // Back through that step: given its activated gates, c_prev (null for
  // zeros) and c, dh = dL/dh and dc = dL/dc from the step after (in), writes
  // d_gates = dL/dz (n x 4h) and replaces dc with dL/d(c_prev).
  virtual void lstm_backward(const_matrix_view gates, const float* c_prev, const_matrix_view c,
                             const_matrix_view dh, matrix_view dc, matrix_view d_gates) = 0;

  // The plain loops, on b's memory (lib/src/backend/host/).
  static std::unique_ptr<lstm_ops> host_fallback(backend& b);
};

}  // namespace aerec
