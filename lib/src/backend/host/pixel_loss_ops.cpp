// The per-pixel losses' host implementation: libm's logs, one at a time.
#include "aerec/backend/ops/pixel_loss_ops.h"

#include "backend/host/staging.h"
#include "backend/pixel_loss_math.h"

namespace aerec {

namespace {

class host_pixel_loss final : public pixel_loss_ops {
 public:
  explicit host_pixel_loss(backend& b) : backend_(b) {}

  double pixel_loss(pixel_loss_kind kind, const_matrix_view output, const_matrix_view target, float* grad,
                    float* row_sums) override {
    staging s(backend_);
    const std::size_t n = size_of(output);
    const float* p = s.in(output).data;
    const float* t = s.in(target).data;
    float* g = s.out(grad, n);
    float* sums = s.out(row_sums, static_cast<std::size_t>(output.rows));
    const double total = math::pixel_loss_rows(kind, p, t, output.rows, output.cols, g, sums,
                                               [](const float* x, const float* y, int pixels) {
                                                 double sum = 0;
                                                 for (int i = 0; i < pixels; ++i)
                                                   sum += math::bce(x[i], y[i]);
                                                 return sum;
                                               });
    s.copy_back();
    return total;
  }

 private:
  backend& backend_;
};

}  // namespace

std::unique_ptr<pixel_loss_ops> pixel_loss_ops::host_fallback(backend& b) {
  return std::make_unique<host_pixel_loss>(b);
}

}  // namespace aerec
