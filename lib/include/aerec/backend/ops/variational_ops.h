#pragma once
// A variational autoencoder's Gaussian code. An op family (backend.h).
#include <memory>

#include "aerec/backend/backend.h"

namespace aerec {

class variational_ops : public op_family {
 public:
  // z = mu + eps * exp(logvar / 2) for x = [mu | logvar] (rows x 2k; eps and
  // z rows x k); z = mu when eps is null.
  virtual void gaussian_sample(const_matrix_view x, const float* eps, matrix_view z) = 0;
  // Returns kl_weight times the batch's mean KL divergence of N(mu,
  // exp(logvar)) from N(0, 1); unless dx is null, sets dx (rows x 2k) to
  // dL/dx given dz = dL/dz (rows x k) through the sample, plus the KL term's.
  virtual double gaussian_backward(const_matrix_view x, const float* eps, const float* dz, float kl_weight,
                                   float* dx) = 0;

  // The plain loops, on b's memory (lib/src/backend/host/).
  static std::unique_ptr<variational_ops> host_fallback(backend& b);
};

}  // namespace aerec
