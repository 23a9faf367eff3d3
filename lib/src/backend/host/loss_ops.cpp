// The loss family's host implementation: the plain loops that the fast
// implementations are tested against.
#include "aerec/backend/ops/loss_ops.h"

#include <algorithm>

#include "backend/host/staging.h"
#include "backend/variational_math.h"

namespace aerec {

namespace {

class host_loss final : public loss_ops {
 public:
  explicit host_loss(backend& b) : backend_(b) {}

  void masked_squared_error(const_matrix_view output, const sparse_view& target, float grad_scale,
                            matrix_view grad, float* row_sums) override {
    staging s(backend_);
    const float* o = s.in(output).data;
    const sparse_view t = s.in(target);
    float* g = s.out(grad).data;
    float* sums = s.out(row_sums, static_cast<std::size_t>(t.rows));
    std::fill(g, g + size_of(grad), 0.0f);
    squared_errors(
        t, o, [&](int r, int e) { return math::element(r, output.cols, t.cols_index[e]); }, grad_scale, g,
        sums);
    s.copy_back();
  }

  void rated_squared_error(const float* predicted, const sparse_view& target, float grad_scale, float* grad,
                           float* row_sums) override {
    staging s(backend_);
    const auto nnz = static_cast<std::size_t>(target.nnz);
    const float* p = s.in(predicted, nnz);
    const sparse_view t = s.in(target);
    float* g = s.out(grad, nnz);
    float* sums = s.out(row_sums, static_cast<std::size_t>(t.rows));
    squared_errors(
        t, p, [](int, int e) { return static_cast<std::size_t>(e); }, grad_scale, g, sums);
    s.copy_back();
  }

  void multinomial_loss(const_matrix_view logits, const sparse_view& target, float grad_scale,
                        matrix_view grad, float* row_sums) override {
    staging s(backend_);
    math::multinomial_loss(s.in(logits), s.in(target), grad_scale, s.out(grad),
                           s.out(row_sums, static_cast<std::size_t>(logits.rows)));
    s.copy_back();
  }

 private:
  // For each entry e of row r of the target, at i = where(r, e) in predicted
  // and grad: grad[i] = grad_scale * (predicted[i] - target); sums[r] = the
  // row's squared errors, summed in double.
  template <class Where>
  static void squared_errors(const sparse_view& t, const float* predicted, Where&& where, float grad_scale,
                             float* grad, float* sums) {
    for (int r = 0; r < t.rows; ++r) {
      double sum = 0;
      for (int e = t.offsets[r]; e < t.offsets[r + 1]; ++e) {
        const std::size_t i = where(r, e);
        const float err = predicted[i] - t.values[e];
        sum += static_cast<double>(err) * err;
        grad[i] = grad_scale * err;
      }
      sums[r] = static_cast<float>(sum);
    }
  }

  backend& backend_;
};

}  // namespace

std::unique_ptr<loss_ops> loss_ops::host_fallback(backend& b) { return std::make_unique<host_loss>(b); }

}  // namespace aerec
