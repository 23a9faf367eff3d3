// The GLocal-K family's host implementation (glocal_math.h's loops).
#include "aerec/backend/ops/glocal_ops.h"

#include "backend/glocal_math.h"
#include "backend/host/staging.h"

namespace aerec {

namespace {

class host_glocal final : public glocal_ops {
 public:
  explicit host_glocal(backend& b) : backend_(b) {}

  double local_kernel(const_matrix_view a, const_matrix_view b, const float* w, float* kernel,
                      float* w_eff) override {
    staging s(backend_);
    const std::size_t n = size_of(a.rows, b.rows);
    const double squares =
        math::local_kernel(s.in(a), s.in(b), s.in(w, n), s.out(kernel, n), s.out(w_eff, n));
    s.copy_back();
    return squares;
  }

  void local_kernel_backward(const_matrix_view a, const_matrix_view b, const float* w, const float* kernel,
                             const float* d_eff, float penalty, float beta, float* dw, float* da,
                             float* db) override {
    staging s(backend_);
    const std::size_t n = size_of(a.rows, b.rows);
    math::local_kernel_backward(s.in(a), s.in(b), s.in(w, n), s.in(kernel, n), s.in(d_eff, n), penalty, beta,
                                s.in_out(dw, n), s.in_out(da, size_of(a)), s.in_out(db, size_of(b)));
    s.copy_back();
  }

  void global_convolve(const_matrix_view x, const float* k, int size, matrix_view out) override {
    staging s(backend_);
    math::global_convolve(s.in(x), s.in(k, size_of(size, size)), size, s.out(out));
    s.copy_back();
  }

  void global_convolve_kernel_grad(const_matrix_view x, const_matrix_view d, int size, float* dk) override {
    staging s(backend_);
    math::global_convolve_kernel_grad(s.in(x), s.in(d), size, s.out(dk, size_of(size, size)));
    s.copy_back();
  }

 private:
  backend& backend_;
};

}  // namespace

std::unique_ptr<glocal_ops> glocal_ops::host_fallback(backend& b) { return std::make_unique<host_glocal>(b); }

}  // namespace aerec
