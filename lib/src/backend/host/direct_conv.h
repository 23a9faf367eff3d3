#pragma once
// Stride-1 convolutions computed directly, without im2col's patches (internal,
// conv_ops' host implementation): the loops of conv_ops::direct_correlate and
// direct_backward on host arrays. Compiled with
// fused multiply-adds where the target has them (lib/CMakeLists.txt), as
// Eigen's GEMM is; the wasm build has none.
#include <vector>

#include "aerec/backend/ops/conv_ops.h"

namespace aerec::direct_conv {

// out (images x out_channels * g.positions()) = bias (one per channel) + the
// correlation of `in` (images x g.image_size()) with weight (out_channels x
// g.patch()).
void correlate(const conv_geometry& g, int out_channels, const float* weight, const float* bias,
               const float* in, int images, float* out);
// The images backward takes at a time: it sums the kernel gradient in float
// over each chunk from the first image, and the chunks' sums in double, so
// that a caller who splits a batch at multiples of it gets the same bits
// however it splits.
int backward_chunk(const conv_geometry& g, int out_channels, bool input_grad);
// The kernel gradient for d_out, and where d_in is not null correlate's input
// gradient (overwritten), in one pass.
std::vector<double> backward(const conv_geometry& g, int out_channels, const float* weight, const float* in,
                             const float* d_out, int images, float* d_in);

}  // namespace aerec::direct_conv
