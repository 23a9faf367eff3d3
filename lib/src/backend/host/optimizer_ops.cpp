// The optimizer family's host implementation: the plain loop that the fast
// implementations are tested against.
#include "aerec/backend/ops/optimizer_ops.h"

#include "backend/host/staging.h"
#include "backend/optimizer_math.h"

namespace aerec {

namespace {

class host_optimizer final : public optimizer_ops {
 public:
  explicit host_optimizer(backend& b) : backend_(b) {}

  void optimizer_step(const optimizer_config& config, long step, std::size_t n, float* param,
                      const float* grad, float* const state[3]) override {
    staging s(backend_);
    float* p = s.in_out(param, n);
    const float* g = s.in(grad, n);
    float* const arrays[3] = {s.in_out(state[0], n), s.in_out(state[1], n), s.in_out(state[2], n)};
    const math::optimizer_scalars scalars = math::make_optimizer_scalars(config, step);
    math::with_optimizer_choices(scalars, [&](auto kind, auto decay, auto momentum, auto variant) {
      for (std::size_t i = 0; i < n; ++i)
        math::optimizer_element<kind(), decay(), momentum(), variant()>(scalars, p[i], g[i], arrays, i);
    });
    s.copy_back();
  }

 private:
  backend& backend_;
};

}  // namespace

std::unique_ptr<optimizer_ops> optimizer_ops::host_fallback(backend& b) {
  return std::make_unique<host_optimizer>(b);
}

}  // namespace aerec
