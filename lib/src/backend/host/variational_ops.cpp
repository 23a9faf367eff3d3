// The variational family's host implementation (variational_math.h's loops).
#include "aerec/backend/ops/variational_ops.h"

#include "backend/host/staging.h"
#include "backend/variational_math.h"

namespace aerec {

namespace {

class host_variational final : public variational_ops {
 public:
  explicit host_variational(backend& b) : backend_(b) {}

  void gaussian_sample(const_matrix_view x, const float* eps, matrix_view z) override {
    staging s(backend_);
    math::gaussian_sample(s.in(x), s.in(eps, size_of(z)), s.out(z));
    s.copy_back();
  }

  double gaussian_backward(const_matrix_view x, const float* eps, const float* dz, float kl_weight,
                           float* dx) override {
    staging s(backend_);
    const std::size_t code = size_of(x.rows, x.cols / 2);
    const double value =
        math::gaussian_backward(s.in(x), s.in(eps, code), s.in(dz, code), kl_weight, s.out(dx, size_of(x)));
    s.copy_back();
    return value;
  }

 private:
  backend& backend_;
};

}  // namespace

std::unique_ptr<variational_ops> variational_ops::host_fallback(backend& b) {
  return std::make_unique<host_variational>(b);
}

}  // namespace aerec
