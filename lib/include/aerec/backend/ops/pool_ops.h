#pragma once
// Image pooling and upsampling: max pooling (with the argmax its backward
// routes through) and nearest-neighbour upsampling, over batches whose rows
// are images, channel by channel, each channel row by row (core/shape.h).
// An op family (backend.h).
#include <cstdint>
#include <memory>

#include "aerec/backend/backend.h"

namespace aerec {

// The number of k-pixel windows every s pixels along n pixels in ceil mode:
// ceil((n - k) / s) + 1, less one where the last window would start past the
// edge (PyTorch's ceil_mode rule, which only a stride above k can meet).
// Needs 1 <= k <= n and s >= 1.
constexpr int pooled_size(int n, int k, int s) {
  const int windows = (n - k + s - 1) / s + 1;
  return (windows - 1) * s >= n ? windows - 1 : windows;
}

// A batch's image geometry: `channels` planes of height x width pixels.
struct image_geometry {
  int channels, height, width;
};

class pool_ops : public op_family {
 public:
  // y = the maximum of each kernel x kernel window every `stride` pixels of
  // each plane of x (rows x c*h*w; y rows x c*oh*ow, oh and ow by
  // pooled_size); a window running past the edge takes its in-bounds
  // pixels'. argmax (y's size) gets the index within x's row of each
  // window's first maximum in row-major order, a NaN winning (PyTorch's).
  virtual void max_pool(image_geometry in, int kernel, int stride, const_matrix_view x, matrix_view y,
                        std::int32_t* argmax) = 0;
  // dx = dL/dx given dy = dL/dy and max_pool's argmax: each dy at its
  // argmax, summed where windows share one, 0 elsewhere.
  virtual void max_pool_backward(const_matrix_view dy, const std::int32_t* argmax, matrix_view dx) = 0;
  // y = x with each pixel repeated scale x scale times (rows x c*h*s*w*s).
  virtual void upsample(image_geometry in, int scale, const_matrix_view x, matrix_view y) = 0;
  // dx = dL/dx given dy: each block of scale x scale gradients summed.
  virtual void upsample_backward(image_geometry in, int scale, const_matrix_view dy, matrix_view dx) = 0;

  // The plain loops, on b's memory (lib/src/backend/host/).
  static std::unique_ptr<pool_ops> host_fallback(backend& b);
};

}  // namespace aerec
