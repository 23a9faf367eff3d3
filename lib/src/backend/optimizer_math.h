#pragma once
// One optimizer step for one parameter element, following torch.optim 1.13's
// single-tensor code line by line, in the order of operations of its CPU
// kernels: addcmul is self + value * t1 * t2, addcdiv self + value * t1 / t2
// (internal; shared by every backend).
#include <cmath>
#include <cstddef>
#include <type_traits>

#include "aerec/train/optimizer_config.h"
#include "backend/host_device.h"

namespace aerec::math {

// Everything one step needs, as the float scalars PyTorch's kernels receive:
// Python computes each constant (1 - alpha, lr / bias_correction1, ...) in
// double, and the kernel rounds it to float.
struct optimizer_scalars {
  optimizer_kind kind;
  bool nesterov, centered, amsgrad, first_step;
  float lr, weight_decay, momentum, one_minus_dampening, eps;
  float alpha, one_minus_alpha;  // rmsprop
  float beta1, one_minus_beta1, beta2, one_minus_beta2;
  float adam_step_size;      // lr / (1 - beta1^t)
  float adam_bias2_sqrt;     // sqrt(1 - beta2^t)
  float adamw_decay;         // 1 - lr * weight_decay
  float adagrad_lr;          // lr / (1 + (t - 1) * lr_decay)
  float rho, one_minus_rho;  // adadelta
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

// The loop-invariant choices of a step, as template arguments (below): with
// them fixed, a loop over elements has no branches and the compiler
// vectorises it. Each element's arithmetic is unchanged, so results are too.
//   Decay:    weight decay added to the gradient (not AdamW's decoupled decay)
//   Momentum: SGD's or RMSprop's momentum buffer
//   Variant:  Nesterov (SGD), centered (RMSprop), AMSGrad (Adam, AdamW)
template <bool Amsgrad>
AEREC_HOST_DEVICE inline void adam_element(const optimizer_scalars& s, float& p, float g, float& m, float& v,
                                           float& vmax) {
  m = m * s.beta1 + s.one_minus_beta1 * g;
  v = v * s.beta2 + s.one_minus_beta2 * g * g;
  float second = v;
  if constexpr (Amsgrad) {
    vmax = std::fmax(vmax, v);
    second = vmax;
  }
  const float denom = std::sqrt(second) / s.adam_bias2_sqrt + s.eps;
  p += -s.adam_step_size * m / denom;
}

// Element i of one step; state[k] are the optimizer's state arrays (as many
// as optimizer_state_count says; the others are null and never touched).
template <optimizer_kind K, bool Decay, bool Momentum, bool Variant>
AEREC_HOST_DEVICE inline void optimizer_element(const optimizer_scalars& s, float& p, float g,
                                                float* const state[3], std::size_t i) {
  const auto at = [&](int k) -> float& { return state[k][i]; };
  if constexpr (Decay) g += s.weight_decay * p;
  if constexpr (K == optimizer_kind::sgd) {
    if constexpr (Momentum) {
      float& buf = at(0);
      buf = s.first_step ? g : buf * s.momentum + s.one_minus_dampening * g;
      g = Variant ? g + s.momentum * buf : buf;
    }
    p += -s.lr * g;
  } else if constexpr (K == optimizer_kind::rmsprop) {
    float& square_avg = at(0);
    square_avg = square_avg * s.alpha + s.one_minus_alpha * g * g;
    float avg;
    if constexpr (Variant) {
      float& grad_avg = at(Momentum ? 2 : 1);
      grad_avg = grad_avg * s.alpha + s.one_minus_alpha * g;
      avg = std::sqrt(square_avg - grad_avg * grad_avg) + s.eps;
    } else {
      avg = std::sqrt(square_avg) + s.eps;
    }
    if constexpr (Momentum) {
      float& buf = at(1);
      buf = buf * s.momentum + g / avg;
      p += -s.lr * buf;
    } else {
      p += -s.lr * g / avg;
    }
  } else if constexpr (K == optimizer_kind::adam || K == optimizer_kind::adamw) {
    if constexpr (K == optimizer_kind::adamw) p *= s.adamw_decay;
    float unused = 0;
    adam_element<Variant>(s, p, g, at(0), at(1), Variant ? at(2) : unused);
  } else if constexpr (K == optimizer_kind::adagrad) {
    float& sum = at(0);
    sum += g * g;
    p += -s.adagrad_lr * g / (std::sqrt(sum) + s.eps);
  } else {
    static_assert(K == optimizer_kind::adadelta);
    float& square_avg = at(0);
    float& acc_delta = at(1);
    square_avg = square_avg * s.rho + s.one_minus_rho * g * g;
    const float delta = std::sqrt(acc_delta + s.eps) / std::sqrt(square_avg + s.eps) * g;
    acc_delta = acc_delta * s.rho + s.one_minus_rho * delta * delta;
    p += -s.lr * delta;
  }
}

template <class F>
void with_bool(bool value, F&& body) {
  if (value)
    body(std::true_type{});
  else
    body(std::false_type{});
}

// Calls body(kind, decay, momentum, variant) with std::integral_constants for
// s's runtime choices, ready for optimizer_element<kind(), decay(), ...>.
template <class F>
void with_optimizer_choices(const optimizer_scalars& s, F&& body) {
  using k = optimizer_kind;
  const bool decay = s.weight_decay != 0 && s.kind != k::adamw;
  const bool momentum = (s.kind == k::sgd && s.momentum != 0) || (s.kind == k::rmsprop && s.momentum > 0);
  const bool variant = (s.kind == k::sgd && s.nesterov) || (s.kind == k::rmsprop && s.centered) ||
                       ((s.kind == k::adam || s.kind == k::adamw) && s.amsgrad);
  const auto with_kind = [&](auto... flags) {
    switch (s.kind) {
      case k::sgd:
        return body(std::integral_constant<k, k::sgd>{}, flags...);
      case k::rmsprop:
        return body(std::integral_constant<k, k::rmsprop>{}, flags...);
      case k::adam:
        return body(std::integral_constant<k, k::adam>{}, flags...);
      case k::adamw:
        return body(std::integral_constant<k, k::adamw>{}, flags...);
      case k::adagrad:
        return body(std::integral_constant<k, k::adagrad>{}, flags...);
      case k::adadelta:
        return body(std::integral_constant<k, k::adadelta>{}, flags...);
    }
  };
  with_bool(decay, [&](auto d) {
    with_bool(momentum, [&](auto m) { with_bool(variant, [&](auto v) { with_kind(d, m, v); }); });
  });
}

}  // namespace aerec::math
