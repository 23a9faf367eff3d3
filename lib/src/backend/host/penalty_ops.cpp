// The penalty family's host implementation (penalty_math.h's loops).
#include "aerec/backend/ops/penalty_ops.h"

#include "backend/host/staging.h"
#include "backend/penalty_math.h"

namespace aerec {

namespace {

class host_penalty final : public penalty_ops {
 public:
  explicit host_penalty(backend& b) : backend_(b) {}

  double activity_penalty(const aerec::activity_penalty& p, const_matrix_view h, const_matrix_view d_in,
                          float* d_out) override {
    staging s(backend_);
    const double value = math::activity_penalty(p, s.in(h), s.in(d_in), s.out(d_out, size_of(h)));
    s.copy_back();
    return value;
  }

  double contractive_penalty(activation a, float weight, const_matrix_view w, const_matrix_view y,
                             const_matrix_view d_in, float* d_out, float* w_grad) override {
    staging s(backend_);
    const double value = math::contractive_penalty(a, weight, s.in(w), s.in(y), s.in(d_in),
                                                   s.out(d_out, size_of(y)), s.in_out(w_grad, size_of(w)));
    s.copy_back();
    return value;
  }

 private:
  backend& backend_;
};

}  // namespace

std::unique_ptr<penalty_ops> penalty_ops::host_fallback(backend& b) {
  return std::make_unique<host_penalty>(b);
}

}  // namespace aerec
