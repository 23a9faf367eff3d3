#pragma once
// Convolutions' data movement: im2col and col2im for a batch of images, and
// the reshuffles between a batch's rows and channel-major columns. The
// products around them go through the backend's GEMM, one GEMM for many
// images at once. An op family (backend.h).
#include <memory>

#include "aerec/backend/backend.h"
#include "aerec/nn/activation.h"

namespace aerec {

// A kernel sliding over images of channels x height x width, with zero
// padding (PyTorch's nn.Conv2d).
struct conv_geometry {
  int channels, height, width;
  int kernel, stride, padding;

  int out_height() const { return (height + 2 * padding - kernel) / stride + 1; }
  int out_width() const { return (width + 2 * padding - kernel) / stride + 1; }
  // Kernel positions per image.
  int positions() const { return out_height() * out_width(); }
  // Floats under the kernel at one position: channels x kernel x kernel.
  int patch() const { return channels * kernel * kernel; }
  int image_size() const { return channels * height * width; }
};

class conv_ops : public op_family {
 public:
  // images: a batch, rows x g.image_size(). columns: g.patch() x (rows *
  // g.positions()); column n * positions + q holds the patch under position q
  // of image n (0 in the padding), its rows ordered (channel, kernel row,
  // kernel column), as PyTorch flattens a kernel.
  virtual void im2col(const conv_geometry& g, const_matrix_view images, matrix_view columns) = 0;
  // im2col's adjoint: adds every column's values into `images` where im2col
  // read them (overlapping patches sum; the padding's are dropped).
  virtual void col2im(const conv_geometry& g, const_matrix_view columns, matrix_view images) = 0;

  // rows (n x channels * positions: a batch of images) from channel-major
  // columns (channels x n * positions), and back; channels = columns.rows.
  virtual void columns_to_rows(const_matrix_view columns, matrix_view rows) = 0;
  virtual void rows_to_columns(const_matrix_view rows, matrix_view columns) = 0;
  // Sets every position of channel c of each row to values[c] (rows.cols =
  // channels * positions).
  virtual void fill_channels(const float* values, int channels, matrix_view rows) = 0;
  // sums[c] = beta * sums[c] + the sum over rows and positions of channel c;
  // beta 0 overwrites.
  virtual void channel_sums(const_matrix_view rows, int channels, float beta, float* sums) = 0;

  // Stride-1 convolutions computed directly, without patches: for the few
  // channels of a small image autoencoder, im2col's copies (nine floats for
  // each input float) cost more than the products. g.stride must be 1;
  // weight is out_channels x g.patch(), rows are images.rows x out_channels *
  // g.positions(). The activation is applied as the outputs are written,
  // and differentiated as the gradient is read, so that a layer's outputs
  // before it are never stored nor read again.
  // rows = act(bias (out_channels values) + the correlation of `images` with the kernels).
  virtual void direct_correlate(const conv_geometry& g, int out_channels, const float* weight,
                                const float* bias, activation act, const_matrix_view images,
                                matrix_view rows) = 0;
  // Back through direct_correlate, given its images and rows, and d_rows the
  // gradient at its rows: weight_grad = beta * weight_grad + the kernel
  // gradient, bias_grad likewise (beta 0 overwrites) and, unless
  // d_images.data is null, d_images = the input gradient (overwritten): one
  // pass over the images for all three.
  virtual void direct_backward(const conv_geometry& g, int out_channels, const float* weight, activation act,
                               const_matrix_view images, const_matrix_view rows, const_matrix_view d_rows,
                               float beta, float* weight_grad, float* bias_grad, matrix_view d_images) = 0;

  // The plain loops, on b's memory (lib/src/backend/host/).
  static std::unique_ptr<conv_ops> host_fallback(backend& b);
};

}  // namespace aerec
