// Softmax cross-entropy's host implementation: libm's exponentials, one at a time.
#include "aerec/backend/ops/softmax_ops.h"

#include <algorithm>
#include <cmath>

#include "backend/host/staging.h"
#include "backend/softmax_math.h"

namespace aerec {

namespace {

class host_softmax final : public softmax_ops {
 public:
  explicit host_softmax(backend& b) : backend_(b) {}

  void softmax_cross_entropy(const_matrix_view logits, const std::int32_t* targets, float scale, float* grad,
                             float* losses) override {
    staging s(backend_);
    const float* z = s.in(logits).data;
    const std::int32_t* t = s.in(targets, static_cast<std::size_t>(logits.rows));
    float* g = s.out(grad, size_of(logits));
    float* l = s.out(losses, static_cast<std::size_t>(logits.rows));
    const auto exps = [](const float* x, int n, float m, float* out) {
      double sum = 0;
      for (int j = 0; j < n; ++j) {
        const float e = std::exp(x[j] - m);
        if (out) out[j] = e;
        sum += e;
      }
      return sum;
    };
    const auto max_of = [](const float* x, int n) { return *std::max_element(x, x + n); };
    for (int r = 0; r < logits.rows; ++r) {
      const std::size_t at = size_of(r, logits.cols);
      l[r] = math::softmax_cross_entropy_row(z + at, logits.cols, t[r], scale, g ? g + at : nullptr, max_of,
                                             exps);
    }
    s.copy_back();
  }

 private:
  backend& backend_;
};

}  // namespace

std::unique_ptr<softmax_ops> softmax_ops::host_fallback(backend& b) {
  return std::make_unique<host_softmax>(b);
}

}  // namespace aerec
