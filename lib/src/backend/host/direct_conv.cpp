#include "backend/host/direct_conv.h"

#include <algorithm>
#include <cstring>

#include "backend/cpu/vector_activation.h"
#include "backend/host/blocks.h"
#include "backend/host/staging.h"

namespace aerec::direct_conv {

namespace {

// Copies an image row of n floats: a long one by memcpy, a short one in a
// few vector moves.
void copy_row(const float* from, int n, float* to) {
  if (n >= 64) {
    std::memcpy(to, from, size_of(n, 1) * sizeof(float));
    return;
  }
  each_block(n, [&]<int N>(int x) { std::memcpy(to + x, from + x, N * sizeof(float)); });
}

// The direct convolutions' tiles of positions.
constexpr int tile_positions = 64;

// Where a chunk of images lies in a plane_stack: image n's row y starts at
// (n * band + offset + y) * width + offset, after a border of zeros. A
// convolution's padding needs `offset` zeros on each side, but one border
// serves both sides: past a row's end a kernel reads the next row's left
// border, past an image's last row the next image's top border (or the
// zeros after the last image). So band and width exceed the image by
// `offset` once, not twice: 16% fewer positions to compute at 14x14 with a
// padding of 1, 24% fewer at 7x7.
struct grid {
  int band;    // rows per image, its border included
  int width;   // floats per row, its border included
  int offset;  // the border above and left of each image
  std::size_t image_floats() const { return size_of(band, width); }
};

// A chunk of images (channels x height x width each), each channel's planes
// one under another on a grid. A stride-1 convolution then runs over the
// whole chunk as one plane: position i reads i + ki * width + kj for kernel
// entry (ki, kj), so that one multiply-add streams a few thousand floats for
// each kernel entry; the positions that are not outputs (the last k - 1
// columns of each row, the last rows of each band) are dropped, or read as
// zeros. Each channel ends in enough zeros for a tile that runs past the
// last image and the kernel's reach from there.
class plane_stack {
 public:
  plane_stack(int channels, int images, int height, int width, grid at, int kernel)
      : channels_(channels),
        height_(height),
        width_(width),
        at_(at),
        stride_(size_of(images, 1) * at.image_floats() + size_of(kernel + 1, at.width) + 2 * tile_positions),
        values_(size_of(channels, 1) * stride_, 0.0f) {}

  // Copies `count` images (at most the chunk's) from `from`; a band left
  // over from an earlier, fuller chunk is zeroed, as a tile past the last
  // image reads it.
  void load(const float* from, int count) {
    for (int c = 0; c < channels_; ++c) {
      float* to = plane(c);
      for (int n = 0; n < count; ++n)
        for (int y = 0; y < height_; ++y)
          copy_row(
              from + size_of(n * channels_ + c, height_ * width_) + size_of(y, width_), width_,
              to + size_of(n * at_.band + at_.offset + y, at_.width) + static_cast<std::size_t>(at_.offset));
      if (count < loaded_)
        std::fill(to + size_of(count, 1) * at_.image_floats(), to + size_of(loaded_, 1) * at_.image_floats(),
                  0.0f);
    }
    loaded_ = count;
  }
  const float* plane(int c) const { return values_.data() + size_of(c, 1) * stride_; }
  float* plane(int c) { return values_.data() + size_of(c, 1) * stride_; }
  int channels() const { return channels_; }
  const grid& at() const { return at_; }
  std::size_t stride() const { return stride_; }
  // The run from the first output to the last of `count` images whose outputs
  // are oh x ow, at position (n * band + y) * width + x.
  int outputs_run(int count, int oh, int ow) const {
    return static_cast<int>(size_of(count - 1, 1) * at_.image_floats() + size_of(oh - 1, at_.width)) + ow;
  }

 private:
  int channels_, height_, width_;
  grid at_;
  std::size_t stride_;
  std::vector<float> values_;
  int loaded_ = 0;
};

// 16 floats: one AVX-512 register, two AVX2 ones, four of wasm's SIMD.
using vec16 = float __attribute__((vector_size(64)));

vec16 load16(const float* p) {
  vec16 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// GCC folds a load that several multiply-adds share into each of them as a
// memory operand, so that the kernel gradient loaded each input vector once
// per output channel and ran 40% slower; an empty asm that claims to change
// the vector keeps it in one AVX-512 register.
void keep_in_register([[maybe_unused]] vec16& v) {
#if defined(__GNUC__) && defined(__AVX512F__)
  asm("" : "+v"(v));
#endif
}

// dz = dy * act'(z) for n floats, given y = act(z) and not z: every
// activation's derivative is a function of y, and where it tests z's sign
// (relu, leaky_relu, elu, selu) y has the same sign (tests/test_activation.cpp),
// so that a layer need not keep z.
void differentiate_run(activation act, const float* y, const float* dy, float* dz, std::size_t n) {
  cpu::activate_backward(act, y, y, dy, dz, n);
}

// v's lanes added in double, one after another: the once-a-chunk reduction
// of the kernel and bias gradients' vector sums.
double lane_sum(vec16 v) {
  double sum = 0;
  for (int l = 0; l < 16; ++l) sum += v[l];
  return sum;
}

// Where each kernel entry reads a plane, row-major: ki * width + kj.
std::vector<int> kernel_shifts(int k, int width) {
  std::vector<int> shifts;
  for (int ki = 0; ki < k; ++ki)
    for (int kj = 0; kj < k; ++kj) shifts.push_back(ki * width + kj);
  return shifts;
}

// Positions [i0, i0 + 64) of output channels o .. o + Outs - 1 into wide
// (Outs rows of `stride` floats): 4 x Outs vector accumulators that stay in
// registers while every input channel and kernel entry streams past, each
// input load shared by the Outs channels.
template <int Outs>
void correlate_tile(const plane_stack& in, const std::vector<int>& shifts, const float* weight,
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

// out (count images x out_channels x oh x ow) = act(bias (or 0 where null) +
// the stride-1 correlation of the first `count` images of `in` with the
// kernels (out_channels x in.channels() x k x k, PyTorch's layout)), four
// output channels at a time; `wide` holds 4 x in.stride() floats.
void correlate_stack(const plane_stack& in, int count, int k, const float* weight, const float* bias,
                     activation act, int out_channels, int oh, int ow, float* wide, float* out) {
  const grid& at = in.at();
  const int n = in.outputs_run(count, oh, ow);
  const std::size_t stride = in.stride();
  const std::vector<int> shifts = kernel_shifts(k, at.width);
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
    // Over the whole run, the places that are not outputs too: in cache, cheaper than row by row.
    if (act != activation::identity)
      for (int b = 0; b < outs; ++b) cpu::activate(act, wide + b * stride, wide + b * stride, size_of(n, 1));
    for (int r = 0; r < count; ++r)
      for (int b = 0; b < outs; ++b)
        for (int y = 0; y < oh; ++y)
          copy_row(wide + b * stride + size_of(r, 1) * at.image_floats() + size_of(y, at.width), ow,
                   out + size_of((r * out_channels + o + b) * oh + y, ow));
  }
}

// The floats a chunk's planes may take: the backward's half of a core's 1 MB
// cache, since its kernel gradient reduces its sums once a chunk; the
// forward's a sixteenth, keeping its output tiles close (it reduces nothing,
// and timed best there on the small autoencoders' layers).
constexpr std::size_t backward_budget = 128 * 1024, forward_budget = 16 * 1024;

// Images per chunk: as many as keep the chunk's planes (`floats` an image)
// within `budget`, at least one.
int chunk_images(std::size_t floats, std::size_t budget) {
  return std::max(1, static_cast<int>(budget / std::max<std::size_t>(floats, 1)));
}

// The input's grid: a border of g.padding.
grid input_grid(const conv_geometry& g) { return {g.height + g.padding, g.width + g.padding, g.padding}; }

// The output gradient's grid for the input gradient: a border of k - 1 - padding.
grid padded_gradient_grid(const conv_geometry& g) {
  const int q = g.kernel - 1 - g.padding;
  return {g.out_height() + q, g.out_width() + q, q};
}

}  // namespace

void correlate(const conv_geometry& g, int out_channels, const float* weight, const float* bias,
               activation act, const float* in, int images, float* out) {
  const grid at = input_grid(g);
  const int chunk =
      std::min(images, chunk_images(size_of(g.channels + 4, 1) * at.image_floats(), forward_budget));
  plane_stack stack(g.channels, chunk, g.height, g.width, at, g.kernel);
  std::vector<float> wide(4 * stack.stride());
  const std::size_t out_image = size_of(out_channels, g.positions());
  for (int n = 0; n < images; n += chunk) {
    const int count = std::min(chunk, images - n);
    stack.load(in + size_of(n, g.image_size()), count);
    correlate_stack(stack, count, g.kernel, weight, bias, act, out_channels, g.out_height(), g.out_width(),
                    wide.data(), out + size_of(n, 1) * out_image);
  }
}

namespace {

// sums[(o + b, c, e)] += the dot product of output channel o + b's gradient
// (d, on the input's grid, zeros where there are no outputs) with input
// channel c's plane shifted by kernel entry e, over the first n positions
// (a multiple of 16), for every c and e: nine entries at a time in 9 x Outs
// vector accumulators, each load of the gradient shared by nine entries and
// each of the input by Outs channels. A last group of fewer than nine
// entries repeats entry 0 and drops it.
template <int Outs>
void kernel_grad_tile(const plane_stack& in, const plane_stack& d, const std::vector<int>& shifts, int n,
                      int o, double* sums) {
  constexpr int group = 9;
  const int channels = in.channels(), area = static_cast<int>(shifts.size());
  for (int c = 0; c < channels; ++c)
    for (int e0 = 0; e0 < area; e0 += group) {
      int shift[group];
      for (int j = 0; j < group; ++j) shift[j] = shifts[static_cast<std::size_t>(e0 + j < area ? e0 + j : 0)];
      vec16 acc[Outs][group] = {};
      const float* plane = in.plane(c);
      for (int i = 0; i < n; i += 16) {
        vec16 dv[Outs];
        for (int b = 0; b < Outs; ++b) dv[b] = load16(d.plane(o + b) + i);
        for (int j = 0; j < group; ++j) {
          vec16 f = load16(plane + i + shift[j]);
          keep_in_register(f);
          for (int b = 0; b < Outs; ++b) acc[b][j] += dv[b] * f;
        }
      }
      for (int b = 0; b < Outs; ++b)
        for (int j = 0; j < group && e0 + j < area; ++j)
          sums[size_of((o + b) * channels + c, area) + static_cast<std::size_t>(e0 + j)] +=
              lane_sum(acc[b][j]);
    }
}

// sums[c] += the sum of d's plane c over its first n positions (a multiple of
// 16; zeros where there are no outputs), for every channel.
void plane_sums(const plane_stack& d, int n, double* sums) {
  for (int c = 0; c < d.channels(); ++c) {
    vec16 acc{};
    for (int i = 0; i < n; i += 16) acc += load16(d.plane(c) + i);
    sums[c] += lane_sum(acc);
  }
}

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

int backward_chunk(const conv_geometry& g, int out_channels, bool input_grad) {
  return chunk_images(
      size_of(g.channels + out_channels, 1) * input_grid(g).image_floats() +
          size_of(out_channels, g.positions()) +
          (input_grad ? size_of(out_channels + 4, 1) * padded_gradient_grid(g).image_floats() : 0),
      backward_budget);
}

// One pass over the chunks of images, each one's input and output gradient
// loaded once, the gradient first taken back through the activation. A
// kernel entry's gradient is the dot product of an output channel's gradient
// laid out on the input's grid (zeros where there are no outputs) with the
// input's plane shifted by the entry (kernel_grad_tile); a bias's, the sum of
// its channel's plane. The input gradient correlates the output gradient, in
// a border of k - 1 - padding, with the flipped kernels.
std::vector<double> backward(const conv_geometry& g, int out_channels, const float* weight, activation act,
                             const float* in, const float* out, const float* d_out, int images, float* d_in) {
  const int k = g.kernel, oh = g.out_height(), ow = g.out_width();
  const grid at = input_grid(g), on_input{at.band, at.width, 0}, padded = padded_gradient_grid(g);
  const int chunk = std::min(images, backward_chunk(g, out_channels, d_in != nullptr));
  plane_stack image(g.channels, chunk, g.height, g.width, at, k);
  plane_stack gradient(out_channels, chunk, oh, ow, on_input, k);
  plane_stack padded_gradient(d_in ? out_channels : 0, chunk, oh, ow, padded, k);
  const std::vector<int> shifts = kernel_shifts(k, at.width);
  const std::vector<float> flipped = d_in ? flipped_kernels(g, out_channels, weight) : std::vector<float>();
  std::vector<float> wide(d_in ? 4 * padded_gradient.stride() : 0);
  const std::size_t out_image = size_of(out_channels, g.positions()),
                    kernels = size_of(out_channels, g.patch());
  std::vector<float> dz(size_of(chunk, 1) * out_image);
  std::vector<double> sums(kernels + static_cast<std::size_t>(out_channels), 0.0);
  for (int r = 0; r < images; r += chunk) {
    const int count = std::min(chunk, images - r);
    differentiate_run(act, out + size_of(r, 1) * out_image, d_out + size_of(r, 1) * out_image, dz.data(),
                      size_of(count, 1) * out_image);
    image.load(in + size_of(r, g.image_size()), count);
    gradient.load(dz.data(), count);
    const int n = (gradient.outputs_run(count, oh, ow) + 15) / 16 * 16;
    plane_sums(gradient, n, sums.data() + kernels);
    for (int o = 0; o < out_channels; o += 2) {
      if (out_channels - o >= 2)
        kernel_grad_tile<2>(image, gradient, shifts, n, o, sums.data());
      else
        kernel_grad_tile<1>(image, gradient, shifts, n, o, sums.data());
    }
    if (d_in) {
      padded_gradient.load(dz.data(), count);
      correlate_stack(padded_gradient, count, k, flipped.data(), nullptr, activation::identity, g.channels,
                      g.height, g.width, wide.data(), d_in + size_of(r, g.image_size()));
    }
  }
  return sums;
}

void store_gradients(const std::vector<std::vector<double>>& parts, const conv_geometry& g, int out_channels,
                     float beta, float* weight_grad, float* bias_grad) {
  const std::size_t kernels = size_of(out_channels, g.patch()), n = kernels + size_of(out_channels, 1);
  for (std::size_t e = 0; e < n; ++e) {
    double sum = 0;
    for (const std::vector<double>& part : parts)
      if (!part.empty()) sum += part[e];
    float& grad = e < kernels ? weight_grad[e] : bias_grad[e - kernels];
    grad = static_cast<float>(sum) + (beta == 0 ? 0.0f : beta * grad);
  }
}

}  // namespace aerec::direct_conv
