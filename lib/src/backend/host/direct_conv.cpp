#include "backend/host/direct_conv.h"

#include <algorithm>
#include <cstring>

#include "backend/host/staging.h"

namespace aerec::direct_conv {

namespace {

// The direct convolutions compute each output channel as rows as wide as the
// padded input, wp: position y * wp + x reads the padded plane at y * wp + x +
// ki * wp + kj, so that one multiply-add runs over a whole plane (a few
// hundred floats, not one row's few) for each kernel entry. The last k - 1
// columns of each wide row are not outputs: dropped, or read as zeros.
// wide_length is the run from the first output to the last.
int wide_length(int oh, int ow, int wp) { return (oh - 1) * wp + ow; }

// The direct convolutions' tiles of wide positions; a tile may run past
// wide_length, so that buffers of them hold wide_capacity floats and padded
// images end in tile_positions floats of slack.
constexpr int tile_positions = 64;
std::size_t wide_capacity(int oh, int wp) {
  return static_cast<std::size_t>((oh * wp + tile_positions - 1) / tile_positions * tile_positions +
                                  tile_positions);
}

// Copies of image rows, a few dozen floats each, in vectors of 16,
// 8 and 4 and at most three single floats: a plain loop becomes a call to
// memmove, or runs its short rows in its scalar epilogue.
template <class F>
void by_vectors(int n, F&& f) {
  int x = 0;
  for (; x + 16 <= n; x += 16) f.template operator()<16>(x);
  if (x + 8 <= n) f.template operator()<8>(x), x += 8;
  if (x + 4 <= n) f.template operator()<4>(x), x += 4;
  for (; x < n; ++x) f.template operator()<1>(x);
}

void copy_row(const float* from, int n, float* to) {
  by_vectors(n, [&]<int N>(int x) { std::memcpy(to + x, from + x, N * sizeof(float)); });
}

// One image at a time inside a border of `pad` zeros, so that the direct
// convolutions read every kernel position without a bounds test.
class padded_image {
 public:
  padded_image(int channels, int height, int width, int pad)
      : channels_(channels),
        height_(height),
        width_(width),
        pad_(pad),
        values_(size_of(channels, (height + 2 * pad) * (width + 2 * pad)) + tile_positions, 0.0f) {}

  // Copies an image (channels x height x width) inside the border.
  void load(const float* image) {
    for (int c = 0; c < channels_; ++c)
      for (int y = 0; y < height_; ++y) {
        const float* from = image + size_of(c * height_ + y, width_);
        copy_row(from, width_,
                 mutable_plane(c) + size_of(y + pad_, padded_width()) + static_cast<std::size_t>(pad_));
      }
  }
  // Channel c, border included, row after row.
  const float* plane(int c) const { return values_.data() + static_cast<std::size_t>(c) * plane_size(); }
  int channels() const { return channels_; }
  int padded_width() const { return width_ + 2 * pad_; }
  std::size_t plane_size() const { return size_of(height_ + 2 * pad_, padded_width()); }

 private:
  float* mutable_plane(int c) { return values_.data() + static_cast<std::size_t>(c) * plane_size(); }

  int channels_, height_, width_, pad_;
  std::vector<float> values_;
};

// 16 floats: one AVX-512 register, two AVX2 ones, four of wasm's SIMD.
using vec16 = float __attribute__((vector_size(64)));

vec16 load16(const float* p) {
  vec16 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// Wide positions [i0, i0 + 64) of output channels o .. o + Outs - 1 into
// wide (Outs rows of `stride` floats): 4 x Outs vector accumulators that stay
// in registers while every input channel and kernel entry streams past, each
// input load shared by the Outs channels.
template <int Outs>
void correlate_tile(const padded_image& in, const std::vector<int>& shifts, const float* weight,
                    const float* bias, int o, int i0, float* wide, std::size_t stride) {
  const int channels = in.channels(), area = static_cast<int>(shifts.size());
  vec16 acc[Outs][4];
  for (int b = 0; b < Outs; ++b)
    for (vec16& a : acc[b]) a = vec16{} + (bias ? bias[o + b] : 0.0f);
  for (int c = 0; c < channels; ++c) {
    const float* plane = in.plane(c) + i0;
    for (int e = 0; e < area; ++e) {
      const float* f = plane + shifts[static_cast<std::size_t>(e)];
      const vec16 f0 = load16(f), f1 = load16(f + 16), f2 = load16(f + 32), f3 = load16(f + 48);
      for (int b = 0; b < Outs; ++b) {
        const float w = weight[size_of((o + b) * channels + c, area) + static_cast<std::size_t>(e)];
        acc[b][0] += w * f0;
        acc[b][1] += w * f1;
        acc[b][2] += w * f2;
        acc[b][3] += w * f3;
      }
    }
  }
  for (int b = 0; b < Outs; ++b)
    std::memcpy(wide + b * stride + static_cast<std::size_t>(i0), acc[b], sizeof acc[b]);
}

// Where each kernel entry reads a padded plane, row-major: ki * wp + kj.
std::vector<int> kernel_shifts(int k, int wp) {
  std::vector<int> shifts;
  for (int ki = 0; ki < k; ++ki)
    for (int kj = 0; kj < k; ++kj) shifts.push_back(ki * wp + kj);
  return shifts;
}

// sums[(o + b, c, e)] += the dot product of wide row b (output channel o + b's
// gradient) with input channel c's plane shifted by kernel entry e, for every
// c and e: nine entries at a time in 9 x Outs vector accumulators, each load
// of the gradient shared by nine entries and each of the input by Outs
// channels. A last group of fewer than nine entries repeats entry 0 and drops it.
template <int Outs>
void kernel_grad_tile(const padded_image& in, const std::vector<int>& shifts, const float* wide,
                      std::size_t stride, int n, int o, double* sums) {
  constexpr int group = 9;
  const int channels = in.channels(), area = static_cast<int>(shifts.size());
  for (int c = 0; c < channels; ++c)
    for (int e0 = 0; e0 < area; e0 += group) {
      int shift[group];
      for (int j = 0; j < group; ++j) shift[j] = shifts[static_cast<std::size_t>(e0 + j < area ? e0 + j : 0)];
      vec16 acc[Outs][group] = {};
      const float* plane = in.plane(c);
      for (int i = 0; i < n; i += 16) {
        vec16 d[Outs];
        for (int b = 0; b < Outs; ++b) d[b] = load16(wide + b * stride + static_cast<std::size_t>(i));
        for (int j = 0; j < group; ++j) {
          const vec16 f = load16(plane + i + shift[j]);
          for (int b = 0; b < Outs; ++b) acc[b][j] += d[b] * f;
        }
      }
      for (int b = 0; b < Outs; ++b)
        for (int j = 0; j < group && e0 + j < area; ++j) {
          double sum = 0;
          for (int l = 0; l < 16; ++l) sum += acc[b][j][l];
          sums[size_of((o + b) * channels + c, area) + static_cast<std::size_t>(e0 + j)] += sum;
        }
    }
}

// out (out_channels x oh x ow) = bias (or 0 where null) + the stride-1
// correlation of `in` with the kernels (out_channels x in.channels() x k x k,
// PyTorch's layout), four output channels at a time; `wide` holds 4 x
// wide_capacity floats.
void correlate_image(const padded_image& in, int k, const float* weight, const float* bias, int out_channels,
                     int oh, int ow, float* wide, float* out) {
  const int wp = in.padded_width(), n = wide_length(oh, ow, wp);
  const std::size_t stride = wide_capacity(oh, wp);
  const std::vector<int> shifts = kernel_shifts(k, wp);
  for (int o = 0; o < out_channels; o += 4) {
    const int outs = std::min(4, out_channels - o);
    for (int i0 = 0; i0 < n; i0 += tile_positions) switch (outs) {
        case 1:
          correlate_tile<1>(in, shifts, weight, bias, o, i0, wide, stride);
          break;
        case 2:
          correlate_tile<2>(in, shifts, weight, bias, o, i0, wide, stride);
          break;
        case 3:
          correlate_tile<3>(in, shifts, weight, bias, o, i0, wide, stride);
          break;
        default:
          correlate_tile<4>(in, shifts, weight, bias, o, i0, wide, stride);
          break;
      }
    for (int b = 0; b < outs; ++b)
      for (int y = 0; y < oh; ++y) {
        float* to = out + size_of((o + b) * oh + y, ow);
        const float* from = wide + b * stride + size_of(y, wp);
        copy_row(from, ow, to);
      }
  }
}

}  // namespace

void correlate(const conv_geometry& g, int out_channels, const float* weight, const float* bias,
               const float* in, int images, float* out) {
  padded_image image(g.channels, g.height, g.width, g.padding);
  std::vector<float> wide(4 * wide_capacity(g.out_height(), image.padded_width()));
  for (int n = 0; n < images; ++n) {
    image.load(in + size_of(n, g.image_size()));
    correlate_image(image, g.kernel, weight, bias, out_channels, g.out_height(), g.out_width(), wide.data(),
                    out + size_of(n, out_channels * g.positions()));
  }
}

namespace {

// The kernels flipped and their in and out channels swapped: the input
// gradient is the correlation of the output gradient, padded by k - 1 -
// padding, with these.
std::vector<float> flipped_kernels(const conv_geometry& g, int out_channels, const float* weight) {
  const int area = g.kernel * g.kernel;
  std::vector<float> flipped(size_of(out_channels, g.patch()));
  for (int o = 0; o < out_channels; ++o)
    for (int c = 0; c < g.channels; ++c)
      for (int i = 0; i < area; ++i)
        flipped[size_of(c * out_channels + o, area) + static_cast<std::size_t>(area - 1 - i)] =
            weight[size_of(o * g.channels + c, area) + static_cast<std::size_t>(i)];
  return flipped;
}

}  // namespace

// One pass over the images, each one's input and output gradient loaded
// once. A kernel entry's gradient is the dot product of an output channel's
// gradient laid out wide (zeros where there are no outputs) with the padded
// input's plane shifted by the entry (kernel_grad_tile). With "same" padding
// the padded output gradient the input gradient reads is that wide layout
// already (its borders are the zeros); otherwise its rows are copied out.
std::vector<double> backward(const conv_geometry& g, int out_channels, const float* weight, const float* in,
                             const float* d_out, int images, float* d_in) {
  const int k = g.kernel, oh = g.out_height(), ow = g.out_width(), q = k - 1 - g.padding;
  padded_image image(g.channels, g.height, g.width, g.padding);
  padded_image gradient(out_channels, oh, ow, q);
  const int wp = image.padded_width(), n = wide_length(oh, ow, wp);
  const bool shared = gradient.padded_width() == wp;
  const std::size_t stride = shared ? gradient.plane_size() : wide_capacity(oh, wp);
  const std::vector<int> shifts = kernel_shifts(k, wp);
  const std::vector<float> flipped = d_in ? flipped_kernels(g, out_channels, weight) : std::vector<float>();
  std::vector<float> wide(shared ? 0 : 2 * stride, 0.0f);
  std::vector<float> wide_in(d_in ? 4 * wide_capacity(g.height, gradient.padded_width()) : 0);
  std::vector<double> sums(size_of(out_channels, g.patch()), 0.0);
  for (int r = 0; r < images; ++r) {
    image.load(in + size_of(r, g.image_size()));
    const float* dy = d_out + size_of(r, out_channels * g.positions());
    if (shared || d_in) gradient.load(dy);
    for (int o = 0; o < out_channels; o += 2) {
      const int outs = std::min(2, out_channels - o);
      const float* rows = shared ? gradient.plane(o) + q * wp + q : wide.data();
      if (!shared)
        for (int b = 0; b < outs; ++b)
          for (int y = 0; y < oh; ++y)
            copy_row(dy + size_of((o + b) * oh + y, ow), ow, wide.data() + b * stride + size_of(y, wp));
      if (outs == 2)
        kernel_grad_tile<2>(image, shifts, rows, stride, n, o, sums.data());
      else
        kernel_grad_tile<1>(image, shifts, rows, stride, n, o, sums.data());
    }
    if (d_in)
      correlate_image(gradient, k, flipped.data(), nullptr, g.channels, g.height, g.width, wide_in.data(),
                      d_in + size_of(r, g.image_size()));
  }
  return sums;
}

}  // namespace aerec::direct_conv
