// The element-wise family's host implementation: the plain loops that the
// fast implementations are tested against.
#include "aerec/backend/ops/elementwise_ops.h"

#include "backend/activation_math.h"
#include "backend/host/staging.h"

namespace aerec {

namespace {

class host_elementwise final : public elementwise_ops {
 public:
  explicit host_elementwise(backend& b) : backend_(b) {}

  void multiply(const_matrix_view a, const_matrix_view b, matrix_view out) override {
    staging s(backend_);
    const float *x = s.in(a).data, *y = s.in(b).data;
    float* z = s.out(out).data;
    for (std::size_t i = 0; i < size_of(a); ++i) z[i] = x[i] * y[i];
    s.copy_back();
  }

  void add_row_vector(matrix_view y, const float* bias) override {
    staging s(backend_);
    float* out = s.in_out(y).data;
    const float* add = s.in(bias, static_cast<std::size_t>(y.cols));
    for (int i = 0; i < y.rows; ++i, out += y.cols)
      for (int j = 0; j < y.cols; ++j) out[j] += add[j];
    s.copy_back();
  }

  void column_sums(const_matrix_view x, float beta, float* sums) override {
    staging s(backend_);
    const float* in = s.in(x).data;
    float* out = s.in_out(sums, static_cast<std::size_t>(x.cols));
    for (int j = 0; j < x.cols; ++j) {
      double sum = 0;
      for (int i = 0; i < x.rows; ++i) sum += in[math::element(i, x.cols, j)];
      out[j] = static_cast<float>(sum) + (beta == 0 ? 0.0f : beta * out[j]);  // beta 0 overwrites NaN too
    }
    s.copy_back();
  }

  void activation_forward(activation a, const_matrix_view z, matrix_view y) override {
    staging s(backend_);
    const float* in = s.in(z).data;
    float* out = s.out(y).data;
    for (std::size_t i = 0; i < size_of(z); ++i) out[i] = math::activate(a, in[i]);
    s.copy_back();
  }

  void activation_backward(activation a, const_matrix_view z, const_matrix_view y, const_matrix_view dy,
                           matrix_view dz) override {
    staging s(backend_);
    const float *zs = s.in(z).data, *ys = s.in(y).data, *dys = s.in(dy).data;
    float* out = s.out(dz).data;
    for (std::size_t i = 0; i < size_of(z); ++i) out[i] = dys[i] * math::activate_derivative(a, zs[i], ys[i]);
    s.copy_back();
  }

 private:
  backend& backend_;
};

}  // namespace

std::unique_ptr<elementwise_ops> elementwise_ops::host_fallback(backend& b) {
  return std::make_unique<host_elementwise>(b);
}

}  // namespace aerec
