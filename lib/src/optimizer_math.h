#pragma once
// One optimizer step for one parameter element, following torch.optim 1.13's
// single-tensor code line by line, in the order of operations of its CPU
// kernels: addcmul is self + value * t1 * t2, addcdiv self + value * t1 / t2
// (internal; shared by every backend).
#include <cmath>

#include "aerec/optimizer_config.h"
#include "host_device.h"

namespace aerec::math {

// Everything one step needs, as the float scalars PyTorch's kernels receive:
// Python computes each constant (1 - alpha, lr / bias_correction1, ...) in
// double, and the kernel rounds it to float.
struct optimizer_scalars {
  optimizer_kind kind;
  bool nesterov, centered, amsgrad, first_step;
  float lr, weight_decay, momentum, one_minus_dampening, eps;
  float alpha, one_minus_alpha;    // rmsprop
  float beta1, one_minus_beta1, beta2, one_minus_beta2;
  float adam_step_size;            // lr / (1 - beta1^t)
  float adam_bias2_sqrt;           // sqrt(1 - beta2^t)
  float adamw_decay;               // 1 - lr * weight_decay
  float adagrad_lr;                // lr / (1 + (t - 1) * lr_decay)
  float rho, one_minus_rho;        // adadelta
};

inline optimizer_scalars make_optimizer_scalars(const optimizer_config& c, long step) {
  const double t = static_cast<double>(step);
  const auto f = [](double x) { return static_cast<float>(x); };
  return {c.kind,
          c.nesterov,
          c.centered,
          c.amsgrad,
          step == 1,
          f(c.lr),
          f(c.weight_decay),
          f(c.momentum),
          f(1 - c.dampening),
          f(c.eps),
          f(c.alpha),
          f(1 - c.alpha),
          f(c.beta1),
          f(1 - c.beta1),
          f(c.beta2),
          f(1 - c.beta2),
          f(c.lr / (1 - std::pow(c.beta1, t))),
          f(std::sqrt(1 - std::pow(c.beta2, t))),
          f(1 - c.lr * c.weight_decay),
          f(c.lr / (1 + (t - 1) * c.lr_decay)),
          f(c.rho),
          f(1 - c.rho)};
}

AEREC_HOST_DEVICE inline void adam_element(const optimizer_scalars& s, float& p, float g, float& m,
                                           float& v, float* vmax) {
  m = m * s.beta1 + s.one_minus_beta1 * g;
  v = v * s.beta2 + s.one_minus_beta2 * g * g;
  float second = v;
  if (vmax) {
    *vmax = std::fmax(*vmax, v);
    second = *vmax;
  }
  const float denom = std::sqrt(second) / s.adam_bias2_sqrt + s.eps;
  p += -s.adam_step_size * m / denom;
}

// s0..s2 point at this element's state (as many as optimizer_state_count says).
AEREC_HOST_DEVICE inline void optimizer_element(const optimizer_scalars& s, float& p, float g,
                                                float* s0, float* s1, float* s2) {
  if (s.weight_decay != 0 && s.kind != optimizer_kind::adamw) g += s.weight_decay * p;
  switch (s.kind) {
    case optimizer_kind::sgd: {
      if (s.momentum != 0) {
        float& buf = *s0;
        buf = s.first_step ? g : buf * s.momentum + s.one_minus_dampening * g;
        g = s.nesterov ? g + s.momentum * buf : buf;
      }
      p += -s.lr * g;
      return;
    }
    case optimizer_kind::rmsprop: {
      float& square_avg = *s0;
      square_avg = square_avg * s.alpha + s.one_minus_alpha * g * g;
      float avg;
      if (s.centered) {
        float& grad_avg = s.momentum > 0 ? *s2 : *s1;
        grad_avg = grad_avg * s.alpha + s.one_minus_alpha * g;
        avg = std::sqrt(square_avg - grad_avg * grad_avg) + s.eps;
      } else {
        avg = std::sqrt(square_avg) + s.eps;
      }
      if (s.momentum > 0) {
        float& buf = *s1;
        buf = buf * s.momentum + g / avg;
        p += -s.lr * buf;
      } else {
        p += -s.lr * g / avg;
      }
      return;
    }
    case optimizer_kind::adam: adam_element(s, p, g, *s0, *s1, s.amsgrad ? s2 : nullptr); return;
    case optimizer_kind::adamw:
      p *= s.adamw_decay;
      adam_element(s, p, g, *s0, *s1, s.amsgrad ? s2 : nullptr);
      return;
    case optimizer_kind::adagrad: {
      float& sum = *s0;
      sum += g * g;
      p += -s.adagrad_lr * g / (std::sqrt(sum) + s.eps);
      return;
    }
    case optimizer_kind::adadelta: {
      float& square_avg = *s0;
      float& acc_delta = *s1;
      square_avg = square_avg * s.rho + s.one_minus_rho * g * g;
      const float delta = std::sqrt(acc_delta + s.eps) / std::sqrt(square_avg + s.eps) * g;
      acc_delta = acc_delta * s.rho + s.one_minus_rho * delta * delta;
      p += -s.lr * delta;
      return;
    }
  }
}

}  // namespace aerec::math
