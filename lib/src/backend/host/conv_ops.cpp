// The convolution family's host implementation. The inner loops run along
// an image row, contiguous when the stride is 1, so that they vectorise: on
// the CPU backend these loops are the fast implementation too.
#include "aerec/backend/ops/conv_ops.h"

#include <algorithm>
#include <array>
#include <vector>

#include "aerec/core/error.h"
#include "backend/host/direct_conv.h"
#include "backend/host/staging.h"

namespace aerec {

namespace {

// The output indices [lo, hi) whose input index o * stride - padding + offset
// lies inside [0, size): outside it, the kernel reads the zero padding.
struct window {
  int lo, hi;
};

window inside(int outputs, int size, int stride, int padding, int offset) {
  const int first = padding - offset, last = size - 1 + padding - offset;
  const int lo = first <= 0 ? 0 : (first + stride - 1) / stride;
  const int hi = last < 0 ? 0 : std::min(outputs, last / stride + 1);
  return {std::min(lo, hi), hi};
}

// out[o] = in[o * stride + shift] for o in w, 0 elsewhere in [0, outputs).
void gather_row(const float* in, int stride, int shift, window w, int outputs, float* out) {
  std::fill(out, out + w.lo, 0.0f);
  if (stride == 1)
    std::copy(in + w.lo + shift, in + w.hi + shift, out + w.lo);
  else
    for (int o = w.lo; o < w.hi; ++o) out[o] = in[o * stride + shift];
  std::fill(out + w.hi, out + outputs, 0.0f);
}

// gather_row for rows [rows.lo, rows.hi) at once where the output is as wide
// as the input (stride 1, "same" padding): output position i reads input
// i + dy * width + dx, one run of memory; only the columns outside `cols`
// (reading the padding) are zeroed after. The run leaves out its ends where
// those would fall before or past the image.
void shifted_rows(const float* in, int dy, int dx, window rows, window cols, int width, float* out) {
  if (rows.lo >= rows.hi) return;
  const std::ptrdiff_t shift = static_cast<std::ptrdiff_t>(dy) * width + dx;
  const std::ptrdiff_t lo = static_cast<std::ptrdiff_t>(rows.lo) * width + std::max(0, -dx),
                       hi = static_cast<std::ptrdiff_t>(rows.hi) * width - std::max(0, dx);
  std::copy(in + lo + shift, in + hi + shift, out + lo);
  for (int r = rows.lo; r < rows.hi; ++r) {
    float* row = out + size_of(r, width);
    std::fill(row, row + cols.lo, 0.0f);
    std::fill(row + cols.hi, row + width, 0.0f);
  }
}

// gather_row's adjoint: in[o * stride + shift] += out[o] for o in w.
void scatter_row(const float* out, int stride, int shift, window w, float* in) {
  if (stride == 1)
    for (int o = w.lo; o < w.hi; ++o) in[o + shift] += out[o];
  else
    for (int o = w.lo; o < w.hi; ++o) in[o * stride + shift] += out[o];
}

// f(image channel's offset in the batch, the column row's segment's offset,
// the rows' and columns' windows, kernel row ki, kernel column kj) for each
// image of the batch and each row of the columns: what im2col and col2im
// both walk.
template <class F>
void each_segment(const conv_geometry& g, int images, F&& f) {
  const int oh = g.out_height(), ow = g.out_width(), positions = g.positions();
  const std::size_t row_length = size_of(images, positions);
  for (int c = 0; c < g.channels; ++c)
    for (int ki = 0; ki < g.kernel; ++ki) {
      const window rows = inside(oh, g.height, g.stride, g.padding, ki);
      for (int kj = 0; kj < g.kernel; ++kj) {
        const window cols = inside(ow, g.width, g.stride, g.padding, kj);
        const std::size_t row = size_of(c * g.kernel + ki, g.kernel) + static_cast<std::size_t>(kj);
        for (int n = 0; n < images; ++n)
          f(size_of(n, g.image_size()) + size_of(c, g.height * g.width),
            row * row_length + size_of(n, positions), rows, cols, ki, kj);
      }
    }
}

class host_conv final : public conv_ops {
 public:
  explicit host_conv(backend& b) : backend_(b) {}

  void im2col(const conv_geometry& g, const_matrix_view images, matrix_view columns) override {
    staging s(backend_);
    const float* in = s.in(images).data;
    float* out = s.out(columns).data;
    const int ow = g.out_width();
    const bool same = g.stride == 1 && ow == g.width;
    each_segment(g, images.rows,
                 [&](std::size_t image, std::size_t segment, window rows, window cols, int ki, int kj) {
                   float* o = out + segment;
                   std::fill(o, o + size_of(rows.lo, ow), 0.0f);
                   if (same)
                     shifted_rows(in + image, ki - g.padding, kj - g.padding, rows, cols, ow, o);
                   else
                     for (int r = rows.lo; r < rows.hi; ++r)
                       gather_row(in + image + size_of(r * g.stride - g.padding + ki, g.width), g.stride,
                                  kj - g.padding, cols, ow, o + size_of(r, ow));
                   std::fill(o + size_of(rows.hi, ow), o + g.positions(), 0.0f);
                 });
    s.copy_back();
  }

  void col2im(const conv_geometry& g, const_matrix_view columns, matrix_view images) override {
    staging s(backend_);
    const float* in = s.in(columns).data;
    float* out = s.in_out(images).data;
    const int ow = g.out_width();
    each_segment(g, images.rows,
                 [&](std::size_t image, std::size_t segment, window rows, window cols, int ki, int kj) {
                   for (int r = rows.lo; r < rows.hi; ++r)
                     scatter_row(in + segment + size_of(r, ow), g.stride, kj - g.padding, cols,
                                 out + image + size_of(r * g.stride - g.padding + ki, g.width));
                 });
    s.copy_back();
  }

  void direct_correlate(const conv_geometry& g, int out_channels, const float* weight, const float* bias,
                        activation act, const_matrix_view images, matrix_view rows) override {
    AEREC_ASSERT(g.stride == 1);
    staging s(backend_);
    const float* in = s.in(images).data;
    const float* w = s.in(weight, size_of(out_channels, g.patch()));
    const float* b = s.in(bias, static_cast<std::size_t>(out_channels));
    direct_conv::correlate(g, out_channels, w, b, act, in, images.rows, s.out(rows).data);
    s.copy_back();
  }

  void direct_backward(const conv_geometry& g, int out_channels, const float* weight, activation act,
                       const_matrix_view images, const_matrix_view rows, const_matrix_view d_rows, float beta,
                       float* weight_grad, float* bias_grad, matrix_view d_images) override {
    AEREC_ASSERT(g.stride == 1 && g.padding < g.kernel);
    staging s(backend_);
    const float* in = s.in(images).data;
    const float* y = s.in(rows).data;
    const float* dy = s.in(d_rows).data;
    const float* w = s.in(weight, size_of(out_channels, g.patch()));
    float* grad = s.in_out(weight_grad, size_of(out_channels, g.patch()));
    float* bias = s.in_out(bias_grad, static_cast<std::size_t>(out_channels));
    float* dx = d_images.data ? s.out(d_images).data : nullptr;
    direct_conv::store_gradients({direct_conv::backward(g, out_channels, w, act, in, y, dy, images.rows, dx)},
                                 g, out_channels, beta, grad, bias);
    s.copy_back();
  }

  void columns_to_rows(const_matrix_view columns, matrix_view rows) override {
    staging s(backend_);
    reshuffle(s.in(columns).data, s.out(rows).data, columns.rows, rows.rows, positions(columns, rows), true);
    s.copy_back();
  }

  void rows_to_columns(const_matrix_view rows, matrix_view columns) override {
    staging s(backend_);
    reshuffle(s.in(rows).data, s.out(columns).data, columns.rows, rows.rows, positions(columns, rows), false);
    s.copy_back();
  }

  void fill_channels(const float* values, int channels, matrix_view rows) override {
    staging s(backend_);
    const float* v = s.in(values, static_cast<std::size_t>(channels));
    float* out = s.out(rows).data;
    const int positions = rows.cols / channels;
    for (int n = 0; n < rows.rows; ++n)
      for (int c = 0; c < channels; ++c, out += positions) std::fill(out, out + positions, v[c]);
    s.copy_back();
  }

  void channel_sums(const_matrix_view rows, int channels, float beta, float* sums) override {
    staging s(backend_);
    const float* in = s.in(rows).data;
    float* out = s.in_out(sums, static_cast<std::size_t>(channels));
    const int positions = rows.cols / channels;
    for (int c = 0; c < channels; ++c) {
      double sum = 0;
      for (int n = 0; n < rows.rows; ++n)
        sum += sum_of(in + size_of(n, rows.cols) + size_of(c, positions), positions);
      out[c] = static_cast<float>(sum) + (beta == 0 ? 0.0f : beta * out[c]);  // beta 0 overwrites NaN too
    }
    s.copy_back();
  }

 private:
  static int positions(const_matrix_view columns, const_matrix_view rows) {
    return rows.rows == 0 ? 0 : columns.cols / rows.rows;
  }

  // Moves each image's channels between a batch's rows (images x channels *
  // positions) and channel-major columns (channels x images * positions), one
  // contiguous run of positions at a time.
  static void reshuffle(const float* from, float* to, int channels, int images, int positions, bool to_rows) {
    for (int n = 0; n < images; ++n)
      for (int c = 0; c < channels; ++c) {
        const std::size_t row = size_of(n * channels + c, positions),
                          column = size_of(c * images + n, positions);
        const float* src = from + (to_rows ? column : row);
        std::copy(src, src + positions, to + (to_rows ? row : column));
      }
  }

  // A sum in double over eight interleaved partial sums, which vectorises
  // where one running sum would wait on each add.
  static double sum_of(const float* x, int n) {
    std::array<double, 8> part{};
    int i = 0;
    for (; i + 8 <= n; i += 8)
      for (int k = 0; k < 8; ++k) part[static_cast<std::size_t>(k)] += x[i + k];
    double sum = 0;
    for (const double p : part) sum += p;
    for (; i < n; ++i) sum += x[i];
    return sum;
  }

  backend& backend_;
};

}  // namespace

std::unique_ptr<conv_ops> conv_ops::host_fallback(backend& b) { return std::make_unique<host_conv>(b); }

}  // namespace aerec
