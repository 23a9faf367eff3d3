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

void optimizer_ops::optimizer_step_rows(const optimizer_config& config, long step, std::size_t row_length,
                                        const std::int32_t* rows, std::size_t count, float* param,
                                        const float* grad, float* const state[3]) {
  for (std::size_t i = 0; i < count;) {
    std::size_t j = i + 1;
    while (j < count && rows[j] == rows[j - 1] + 1) ++j;
    const std::size_t offset = static_cast<std::size_t>(rows[i]) * row_length;
    // Unused state arrays are null, and stay so.
    const auto at = [offset](float* a) { return a ? a + offset : nullptr; };
    float* const run_state[3] = {at(state[0]), at(state[1]), at(state[2])};
    optimizer_step(config, step, (j - i) * row_length, param + offset, grad + offset, run_state);
    i = j;
  }
}

std::unique_ptr<optimizer_ops> optimizer_ops::host_fallback(backend& b) {
  return std::make_unique<host_optimizer>(b);
}

}  // namespace aerec
