// The pooling family's host implementation. The CPU runs it in place, so its
// inner loops run along an image row with no branch on the data (selects, not
// ifs) and no bounds test, so that the compiler vectorises them; only the few
// windows running past an edge take a slower path.
#include "aerec/backend/ops/pool_ops.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "backend/host/blocks.h"
#include "backend/host/staging.h"

namespace aerec {

namespace {

std::size_t plane(int height, int width) { return size_of(height, width); }

// The pooled plane's geometry, with the input plane's.
struct pool_geometry {
  int height, width, kernel, stride, out_height, out_width;
  pool_geometry(image_geometry in, int k, int s)
      : height(in.height),
        width(in.width),
        kernel(k),
        stride(s),
        out_height(pooled_size(in.height, k, s)),
        out_width(pooled_size(in.width, k, s)) {}
  // How many outputs along a row have their window's offset `k` inside n pixels.
  int in_bounds(int n, int k) const { return std::min(out_width, (n - k + stride - 1) / stride); }
};

// Outputs o0.. of one output row of a plane, windows from row y0 of x, each
// window's first maximum (in row-major order) and its index within the image
// row (`base` the plane's): for windows that may run past an edge, by window
// offset, each offset's in-bounds outputs one range.
void max_pool_edge(const pool_geometry& g, const float* x, int y0, int o0, std::int32_t base, float* best,
                   std::int32_t* arg) {
  const int s = g.stride, w = g.width;
  for (int o = o0; o < g.out_width; ++o) {  // the window's first pixel, always inside
    best[o] = x[y0 * w + o * s];
    arg[o] = base + y0 * w + o * s;
  }
  const int rows = std::min(g.kernel, g.height - y0);
  for (int ky = 0; ky < rows; ++ky)
    for (int kx = ky == 0 ? 1 : 0; kx < g.kernel; ++kx) {
      const int offset = (y0 + ky) * w + kx;
      for (int o = o0; o < g.in_bounds(w, kx); ++o) {
        const float v = x[offset + o * s];
        if (v > best[o] || v != v) {  // PyTorch's: later NaNs win, ties do not
          best[o] = v;
          arg[o] = base + offset + o * s;
        }
      }
    }
}

// The same for outputs 0..n whose windows lie inside the image, window by
// window with no bounds test: a kernel and stride known when compiling (2, the
// usual; 0 for g's) unroll the window into selects on shuffled vectors.
template <int Kernel, int Stride>
void max_pool_inside(const pool_geometry& g, const float* __restrict x, int y0, int n, std::int32_t base,
                     float* __restrict best, std::int32_t* __restrict arg) {
  const int k = Kernel ? Kernel : g.kernel, s = Stride ? Stride : g.stride, w = g.width;
  const float* top = x + static_cast<std::ptrdiff_t>(y0) * w;
  for (int o = 0; o < n; ++o) {
    const float* window = top + o * s;
    float b = window[0];
    int at = 0;
    for (int ky = 0; ky < k; ++ky)
      for (int kx = 0; kx < k; ++kx) {
        const float v = window[ky * w + kx];
        const bool take = v > b || v != v;
        b = take ? v : b;
        at = take ? ky * w + kx : at;
      }
    best[o] = b;
    arg[o] = base + y0 * w + o * s + at;
  }
}

// One output row: the windows inside the image at full speed, the rest by max_pool_edge.
void max_pool_row(const pool_geometry& g, const float* x, int y0, std::int32_t base, float* best,
                  std::int32_t* arg) {
  const int inside = y0 + g.kernel <= g.height ? (g.width - g.kernel) / g.stride + 1 : 0;
  if (g.kernel == 2 && g.stride == 2)
    max_pool_inside<2, 2>(g, x, y0, inside, base, best, arg);
  else
    max_pool_inside<0, 0>(g, x, y0, inside, base, best, arg);
  if (inside < g.out_width) max_pool_edge(g, x, y0, inside, base, best, arg);
}

// N Ts as one vector (an alias template would drop the attribute).
template <class T, int N>
struct vector_of {
  typedef T type __attribute__((vector_size(N * sizeof(T))));
};

// N outputs of the second step of max_pool_2x2: the upper pair's maximum,
// or the lower's where it is larger or NaN, as selects on vectors (a row of
// a small image is shorter than the loop's vector width).
template <int N>
void pick_lower(const float* upper, const std::int32_t* upper_arg, const float* lower,
                const std::int32_t* lower_arg, std::int32_t base, float* best, std::int32_t* arg) {
  using floats = typename vector_of<float, N>::type;
  using ints = typename vector_of<std::int32_t, N>::type;
  floats t, u;
  ints ta, ua;
  std::memcpy(&t, upper, sizeof t);
  std::memcpy(&u, lower, sizeof u);
  std::memcpy(&ta, upper_arg, sizeof ta);
  std::memcpy(&ua, lower_arg, sizeof ua);
  const ints take = (u > t) | (u != u);
  ints tb, ub;
  std::memcpy(&tb, &t, sizeof tb);
  std::memcpy(&ub, &u, sizeof ub);
  const ints b = (ub & take) | (tb & ~take), a = ((ua & take) | (ta & ~take)) + base;
  std::memcpy(best, &b, sizeof b);
  std::memcpy(arg, &a, sizeof a);
}

// 2x2 windows at stride 2 over a plane of even height and width, every
// window inside: first the pairs along each input row, as one run over the
// whole plane, then the pairs of those rows. PyTorch's order (the first
// maximum in row-major order, a later NaN winning) holds through the two steps.
// `pair`, `pair_arg`: height * width / 2 each.
void max_pool_2x2(const float* __restrict x, int height, int width, std::int32_t base, float* __restrict best,
                  std::int32_t* __restrict arg, float* __restrict pair, std::int32_t* __restrict pair_arg) {
  const int pairs = height * width / 2, out_width = width / 2;
  for (int i = 0; i < pairs; ++i) {
    const float a = x[2 * i], b = x[2 * i + 1];
    const bool take = b > a || b != b;
    pair[i] = take ? b : a;
    pair_arg[i] = 2 * i + (take ? 1 : 0);
  }
  for (int oy = 0; oy < height / 2; ++oy) {
    const std::size_t top = plane(2 * oy, out_width), bottom = top + static_cast<std::size_t>(out_width),
                      out = plane(oy, out_width);
    each_block(out_width, [&]<int N>(int o) {
      pick_lower<N>(pair + top + o, pair_arg + top + o, pair + bottom + o, pair_arg + bottom + o, base,
                    best + out + o, arg + out + o);
    });
  }
}

// Upsampling by 2's adjoint over `rows` input rows of w: the pairs along each
// upsampled row summed as one run over a block of rows, then the pairs of
// those rows, (a + b) + (c + d) for each 2x2 block. In blocks of rows, so
// that the pairs stay in cache.
void upsample_backward_2x(const float* __restrict dy, std::size_t rows, int w, float* __restrict dx) {
  constexpr std::size_t block = 64;
  std::vector<float> pairs(size_of(2 * block, w));
  float* __restrict pair = pairs.data();
  for (std::size_t r0 = 0; r0 < rows; r0 += block) {
    const std::size_t n = std::min(block, rows - r0), run = 2 * n * static_cast<std::size_t>(w);
    const float* from = dy + 4 * r0 * static_cast<std::size_t>(w);
    for (std::size_t i = 0; i < run; ++i) pair[i] = from[2 * i] + from[2 * i + 1];
    for (std::size_t r = 0; r < n; ++r) {
      const float* top = pair + 2 * r * static_cast<std::size_t>(w);
      float* to = dx + (r0 + r) * static_cast<std::size_t>(w);
      for (int o = 0; o < w; ++o) to[o] = top[o] + top[o + w];
    }
  }
}

class host_pool final : public pool_ops {
 public:
  explicit host_pool(backend& b) : backend_(b) {}

  void max_pool(image_geometry in, int kernel, int stride, const_matrix_view x, matrix_view y,
                std::int32_t* argmax) override {
    staging s(backend_);
    const pool_geometry g(in, kernel, stride);
    const float* xs = s.in(x).data;
    float* ys = s.out(y).data;
    std::int32_t* args = s.out(argmax, size_of(y));
    const std::size_t in_plane = plane(g.height, g.width), out_plane = plane(g.out_height, g.out_width);
    const bool halves = kernel == 2 && stride == 2 && g.height % 2 == 0 && g.width % 2 == 0;
    std::vector<float> pair(halves ? in_plane / 2 : 0);
    std::vector<std::int32_t> pair_arg(pair.size());
    for (int r = 0; r < x.rows; ++r)
      for (int c = 0; c < in.channels; ++c) {
        const std::size_t image_plane =
            static_cast<std::size_t>(r) * in.channels + static_cast<std::size_t>(c);
        const float* xp = xs + image_plane * in_plane;
        const auto base = static_cast<std::int32_t>(static_cast<std::size_t>(c) * in_plane);
        if (halves) {
          const std::size_t at = image_plane * out_plane;
          max_pool_2x2(xp, g.height, g.width, base, ys + at, args + at, pair.data(), pair_arg.data());
          continue;
        }
        for (int oy = 0; oy < g.out_height; ++oy) {
          const std::size_t at = image_plane * out_plane + plane(oy, g.out_width);
          max_pool_row(g, xp, oy * stride, base, ys + at, args + at);
        }
      }
    s.copy_back();
  }

  void max_pool_backward(const_matrix_view dy, const std::int32_t* argmax, matrix_view dx) override {
    staging s(backend_);
    const float* d = s.in(dy).data;
    const std::int32_t* args = s.in(argmax, size_of(dy));
    float* out = s.out(dx).data;
    std::fill(out, out + size_of(dx), 0.0f);
    for (int r = 0; r < dy.rows; ++r) {
      float* row = out + size_of(r, dx.cols);
      for (std::size_t i = size_of(r, dy.cols); i < size_of(r + 1, dy.cols); ++i) row[args[i]] += d[i];
    }
    s.copy_back();
  }

  void upsample(image_geometry in, int scale, const_matrix_view x, matrix_view y) override {
    staging s(backend_);
    const float* src = s.in(x).data;
    float* dst = s.out(y).data;
    const int w = in.width, out_w = w * scale;
    const std::size_t rows = size_of(x.rows, in.channels) * static_cast<std::size_t>(in.height);
    for (std::size_t i = 0; i < rows; ++i, src += w) {
      // One upsampled row, by each of its `scale` phases, then its copies.
      for (int j = 0; j < scale; ++j)
        for (int o = 0; o < w; ++o) dst[o * scale + j] = src[o];
      for (int k = 1; k < scale; ++k)
        std::copy(dst, dst + out_w, dst + static_cast<std::ptrdiff_t>(k) * out_w);
      dst += static_cast<std::ptrdiff_t>(scale) * out_w;
    }
    s.copy_back();
  }

  void upsample_backward(image_geometry in, int scale, const_matrix_view dy, matrix_view dx) override {
    staging s(backend_);
    const float* src = s.in(dy).data;
    float* dst = s.out(dx).data;
    const int w = in.width, out_w = w * scale;
    const std::size_t rows = size_of(dx.rows, in.channels) * static_cast<std::size_t>(in.height);
    if (scale == 2) {
      upsample_backward_2x(src, rows, w, dst);
      s.copy_back();
      return;
    }
    for (std::size_t i = 0; i < rows; ++i, dst += w) {
      std::fill(dst, dst + w, 0.0f);
      for (int k = 0; k < scale; ++k, src += out_w)
        for (int j = 0; j < scale; ++j)
          for (int o = 0; o < w; ++o) dst[o] += src[o * scale + j];
    }
    s.copy_back();
  }

 private:
  backend& backend_;
};

}  // namespace

std::unique_ptr<pool_ops> pool_ops::host_fallback(backend& b) { return std::make_unique<host_pool>(b); }

}  // namespace aerec
