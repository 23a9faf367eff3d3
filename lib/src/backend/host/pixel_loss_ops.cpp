// The per-pixel losses' host implementation. The CPU runs it in place: the
// gradients are a loop of their own, which vectorises; the losses' logs and
// double sums do not.
#include "aerec/backend/ops/pixel_loss_ops.h"

#include <algorithm>
#include <cmath>

#include "backend/host/staging.h"

namespace aerec {

namespace {

// PyTorch's binary_cross_entropy on the CPU, in float: log(1-p) as log1p(-p),
// each log clamped to >= -100 so that p = 0 or 1 costs at most 100.
float bce(float p, float t) {
  return (t - 1) * std::max(std::log1p(-p), -100.0f) - t * std::max(std::log(p), -100.0f);
}

float squared_error(float p, float t) { return (p - t) * (p - t); }

template <class Loss>
double row_sum(const float* p, const float* t, int n, Loss&& loss) {
  double sum = 0;
  for (int i = 0; i < n; ++i) sum += loss(p[i], t[i]);
  return sum;
}

// PyTorch's binary_cross_entropy_backward, divided by N as its mean reduction does.
void bce_grad(const float* p, const float* t, std::size_t n, float* g) {
  const auto count = static_cast<float>(n);
  for (std::size_t i = 0; i < n; ++i) g[i] = (p[i] - t[i]) / std::max((1 - p[i]) * p[i], 1e-12f) / count;
}

// PyTorch's mse_loss_backward: its norm 2 / N rounded to float, times p - t.
void mse_grad(const float* p, const float* t, std::size_t n, float* g) {
  const auto norm = static_cast<float>(2.0 / static_cast<double>(n));
  for (std::size_t i = 0; i < n; ++i) g[i] = norm * (p[i] - t[i]);
}

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
    const bool is_bce = kind == pixel_loss_kind::bce;
    double total = 0;
    for (int r = 0; r < output.rows; ++r) {
      const std::size_t at = size_of(r, output.cols);
      const double sum = is_bce ? row_sum(p + at, t + at, output.cols, bce)
                                : row_sum(p + at, t + at, output.cols, squared_error);
      sums[r] = static_cast<float>(sum);
      total += sum;
    }
    if (g) (is_bce ? bce_grad : mse_grad)(p, t, n, g);
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
