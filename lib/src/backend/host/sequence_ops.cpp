// Sequence data movement's host implementation: plain copies.
#include "aerec/backend/ops/sequence_ops.h"

#include <algorithm>

#include "aerec/core/error.h"
#include "backend/host/staging.h"

namespace aerec {

namespace {

class host_sequence final : public sequence_ops {
 public:
  explicit host_sequence(backend& b) : backend_(b) {}

  void swap_blocks(const_matrix_view in, int block, matrix_view out) override {
    const int b = in.cols / block;
    AEREC_ASSERT(out.rows == b && size_of(in) == size_of(out));
    staging s(backend_);
    const float* x = s.in(in).data;
    float* y = s.out(out).data;
    for (int i = 0; i < in.rows; ++i)
      for (int j = 0; j < b; ++j)
        std::copy_n(x + size_of(i * b + j, block), block, y + size_of(j * in.rows + i, block));
    s.copy_back();
  }

  void copy_columns(const_matrix_view in, int in_first, matrix_view out, int out_first, int cols) override {
    AEREC_ASSERT(in.rows == out.rows && in_first + cols <= in.cols && out_first + cols <= out.cols);
    staging s(backend_);
    const float* x = s.in(in).data;
    float* y = s.in_out(out).data;
    for (int r = 0; r < in.rows; ++r)
      std::copy_n(x + size_of(r, in.cols) + in_first, cols, y + size_of(r, out.cols) + out_first);
    s.copy_back();
  }

  void repeat_steps(const_matrix_view x, matrix_view out) override {
    AEREC_ASSERT(x.rows == out.rows && out.cols % x.cols == 0);
    staging s(backend_);
    const float* in = s.in(x).data;
    float* y = s.out(out).data;
    for (int r = 0; r < x.rows; ++r)
      for (int c = 0; c < out.cols; c += x.cols)
        std::copy_n(in + size_of(r, x.cols), x.cols, y + size_of(r, out.cols) + c);
    s.copy_back();
  }

  void sum_steps(const_matrix_view d, matrix_view out) override {
    AEREC_ASSERT(d.rows == out.rows && d.cols % out.cols == 0);
    staging s(backend_);
    const float* in = s.in(d).data;
    float* y = s.out(out).data;
    for (int r = 0; r < d.rows; ++r) {
      float* row = y + size_of(r, out.cols);
      std::fill_n(row, out.cols, 0.0f);
      for (int c = 0; c < d.cols; ++c)
        row[c % out.cols] += in[size_of(r, d.cols) + static_cast<std::size_t>(c)];
    }
    s.copy_back();
  }

 private:
  backend& backend_;
};

}  // namespace

std::unique_ptr<sequence_ops> sequence_ops::host_fallback(backend& b) {
  return std::make_unique<host_sequence>(b);
}

}  // namespace aerec
