#pragma once
// The sparse and contractive autoencoders' penalties (aerec/nn/penalty.h).
// An op family (backend.h).
#include <memory>

#include "aerec/backend/backend.h"
#include "aerec/nn/activation.h"
#include "aerec/nn/penalty.h"

namespace aerec {

class penalty_ops : public op_family {
 public:
  // The activity penalty on a layer's activations h (rows x units): returns
  // its value and, unless d_out is null, sets d_out = d_in + dP/dh (d_out may
  // be d_in's memory).
  virtual double activity_penalty(const aerec::activity_penalty& p, const_matrix_view h,
                                  const_matrix_view d_in, float* d_out) = 0;
  // The contractive penalty of a layer y = act(xW + b), act sigmoid or tanh, W
  // inputs x units, y rows x units: weight / rows * sum_ij act'(z_ij)^2 *
  // sum_k W_kj^2. Returns it; unless d_out is null sets d_out = d_in + dP/dy
  // (the path through z; d_out may be d_in's memory), and unless w_grad is
  // null adds dP/dW (the path through W alone) to w_grad.
  virtual double contractive_penalty(activation a, float weight, const_matrix_view w, const_matrix_view y,
                                     const_matrix_view d_in, float* d_out, float* w_grad) = 0;

  // The plain loops, on b's memory (lib/src/backend/host/).
  static std::unique_ptr<penalty_ops> host_fallback(backend& b);
};

}  // namespace aerec
