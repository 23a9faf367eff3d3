#pragma once
// One optimizer step for one parameter element, following torch.optim 1.13's
// single-tensor code line by line (internal; shared by every backend).
#include <cmath>

#include "aerec/optimizer_config.h"
#include "host_device.h"

namespace aerec::math {

// Per-step scalars, computed once on the host (in double, as PyTorch does in Python).
struct optimizer_scalars {
  bool first_step;           // sgd: momentum buffer starts as the gradient
  float adam_step_size;      // lr / (1 - beta1^t)
  float adam_bias2_sqrt;     // sqrt(1 - beta2^t)
  float adamw_decay;         // 1 - lr * weight_decay
  float adagrad_lr;          // lr / (1 + (t - 1) * lr_decay)
};

inline optimizer_scalars make_optimizer_scalars(const optimizer_config& c, long step) {
  const double t = static_cast<double>(step);
  return {step == 1,
          static_cast<float>(c.lr / (1.0 - std::pow(static_cast<double>(c.beta1), t))),
          static_cast<float>(std::sqrt(1.0 - std::pow(static_cast<double>(c.beta2), t))),
          static_cast<float>(1.0 - static_cast<double>(c.lr) * c.weight_decay),
          static_cast<float>(c.lr / (1.0 + (t - 1.0) * c.lr_decay))};
}

AEREC_HOST_DEVICE inline void adam_element(const optimizer_config& c, const optimizer_scalars& s,
                                           float& p, float g, float& m, float& v, float* vmax) {
  m = c.beta1 * m + (1 - c.beta1) * g;
  v = c.beta2 * v + (1 - c.beta2) * g * g;
  float second = v;
  if (vmax) {
    *vmax = std::fmax(*vmax, v);
    second = *vmax;
  }
  const float denom = std::sqrt(second) / s.adam_bias2_sqrt + c.eps;
  p -= s.adam_step_size * (m / denom);
}

// s0..s2 point at this element's state (as many as optimizer_state_count says).
AEREC_HOST_DEVICE inline void optimizer_element(const optimizer_config& c,
                                                const optimizer_scalars& s, float& p, float g,
                                                float* s0, float* s1, float* s2) {
  const bool l2 = c.weight_decay != 0 && c.kind != optimizer_kind::adamw;
  if (l2) g += c.weight_decay * p;
  switch (c.kind) {
    case optimizer_kind::sgd: {
      if (c.momentum != 0) {
        float& buf = *s0;
        buf = s.first_step ? g : c.momentum * buf + (1 - c.dampening) * g;
        g = c.nesterov ? g + c.momentum * buf : buf;
      }
      p -= c.lr * g;
      return;
    }
    case optimizer_kind::rmsprop: {
      float& square_avg = *s0;
      square_avg = c.alpha * square_avg + (1 - c.alpha) * g * g;
      float avg;
      if (c.centered) {
        float& grad_avg = c.momentum > 0 ? *s2 : *s1;
        grad_avg = c.alpha * grad_avg + (1 - c.alpha) * g;
        avg = std::sqrt(square_avg - grad_avg * grad_avg) + c.eps;
      } else {
        avg = std::sqrt(square_avg) + c.eps;
      }
      if (c.momentum > 0) {
        float& buf = *s1;
        buf = c.momentum * buf + g / avg;
        p -= c.lr * buf;
      } else {
        p -= c.lr * (g / avg);
      }
      return;
    }
    case optimizer_kind::adam: adam_element(c, s, p, g, *s0, *s1, c.amsgrad ? s2 : nullptr); return;
    case optimizer_kind::adamw:
      p *= s.adamw_decay;
      adam_element(c, s, p, g, *s0, *s1, c.amsgrad ? s2 : nullptr);
      return;
    case optimizer_kind::adagrad: {
      float& sum = *s0;
      sum += g * g;
      p -= s.adagrad_lr * (g / (std::sqrt(sum) + c.eps));
      return;
    }
    case optimizer_kind::adadelta: {
      float& square_avg = *s0;
      float& acc_delta = *s1;
      square_avg = c.rho * square_avg + (1 - c.rho) * g * g;
      const float delta = std::sqrt(acc_delta + c.eps) / std::sqrt(square_avg + c.eps) * g;
      acc_delta = c.rho * acc_delta + (1 - c.rho) * delta * delta;
      p -= c.lr * delta;
      return;
    }
  }
}

}  // namespace aerec::math
