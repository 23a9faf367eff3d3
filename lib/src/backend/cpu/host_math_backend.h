#pragma once
// The operations that both CPU backends run as the same host loops: the
// regularising penalties, the variational code, the multinomial likelihood
// and GLocal-K's kernels (internal). They cost little beside the layers around them.
#include "backend/glocal_math.h"
#include "backend/penalty_math.h"
#include "backend/variational_math.h"
#include "aerec/backend/backend.h"

namespace aerec {

class host_math_backend : public backend {
 public:
  double activity_penalty(const aerec::activity_penalty& p, const_matrix_view h, const_matrix_view d_in,
                          float* d_out) override {
    return math::activity_penalty(p, h, d_in, d_out);
  }

  double contractive_penalty(activation a, float weight, const_matrix_view w, const_matrix_view y,
                             const_matrix_view d_in, float* d_out, float* w_grad) override {
    return math::contractive_penalty(a, weight, w, y, d_in, d_out, w_grad);
  }

  void gaussian_sample(const_matrix_view x, const float* eps, matrix_view z) override {
    math::gaussian_sample(x, eps, z);
  }

  double gaussian_backward(const_matrix_view x, const float* eps, const float* dz, float kl_weight,
                           float* dx) override {
    return math::gaussian_backward(x, eps, dz, kl_weight, dx);
  }

  void multinomial_loss(const_matrix_view logits, const sparse_view& target, float grad_scale,
                        matrix_view grad, float* row_sums) override {
    math::multinomial_loss(logits, target, grad_scale, grad, row_sums);
  }

  double local_kernel(const_matrix_view a, const_matrix_view b, const float* w, float* kernel,
                      float* w_eff) override {
    return math::local_kernel(a, b, w, kernel, w_eff);
  }

  void local_kernel_backward(const_matrix_view a, const_matrix_view b, const float* w,
                             const float* kernel, const float* d_eff, float penalty, float beta,
                             float* dw, float* da, float* db) override {
    math::local_kernel_backward(a, b, w, kernel, d_eff, penalty, beta, dw, da, db);
  }

  void global_convolve(const_matrix_view x, const float* k, int size, matrix_view out) override {
    math::global_convolve(x, k, size, out);
  }

  void global_convolve_kernel_grad(const_matrix_view x, const_matrix_view d, int size, float* dk) override {
    math::global_convolve_kernel_grad(x, d, size, dk);
  }
};

}  // namespace aerec
