// The LSTM gates' host implementation: plain loops over rows and units.
#include "aerec/backend/ops/lstm_ops.h"

#include "backend/host/staging.h"
#include "backend/lstm_math.h"

namespace aerec {

namespace {

class host_lstm final : public lstm_ops {
 public:
  explicit host_lstm(backend& b) : backend_(b) {}

  void lstm_forward(matrix_view gates, const float* c_prev, matrix_view c, matrix_view h) override {
    staging s(backend_);
    const matrix_view z = s.in_out(gates);
    const float* cp = s.in(c_prev, size_of(c));
    const matrix_view cs = s.out(c), hs = s.out(h);
    for (int r = 0; r < c.rows; ++r)
      for (int j = 0; j < c.cols; ++j) {
        const std::size_t at = math::element(r, c.cols, j);
        cs.data[at] =
            math::lstm_unit_forward(z.data + size_of(r, z.cols), c.cols, j, cp ? cp[at] : 0.0f, hs.data[at]);
      }
    s.copy_back();
  }

  void lstm_backward(const_matrix_view gates, const float* c_prev, const_matrix_view c, const_matrix_view dh,
                     matrix_view dc, matrix_view d_gates) override {
    staging s(backend_);
    const const_matrix_view z = s.in(gates), cs = s.in(c), dhs = s.in(dh);
    const float* cp = s.in(c_prev, size_of(c));
    const matrix_view dcs = s.in_out(dc), dz = s.out(d_gates);
    for (int r = 0; r < c.rows; ++r)
      for (int j = 0; j < c.cols; ++j) {
        const std::size_t at = math::element(r, c.cols, j);
        const std::size_t row = size_of(r, z.cols);
        dcs.data[at] = math::lstm_unit_backward(z.data + row, c.cols, j, cp ? cp[at] : 0.0f, cs.data[at],
                                                dhs.data[at], dcs.data[at], dz.data + row);
      }
    s.copy_back();
  }

 private:
  backend& backend_;
};

}  // namespace

std::unique_ptr<lstm_ops> lstm_ops::host_fallback(backend& b) { return std::make_unique<host_lstm>(b); }

}  // namespace aerec
