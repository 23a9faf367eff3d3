#pragma once
// Stride-1 convolutions computed directly, without im2col's patches (internal,
// conv_ops' host implementation): the loops of conv_ops::direct_correlate and
// direct_backward on host arrays. Compiled with
// fused multiply-adds where the target has them (lib/CMakeLists.txt), as
// Eigen's GEMM is; the wasm build has none.
#include <vector>

#include "aerec/backend/ops/conv_ops.h"

namespace aerec::direct_conv {

// out (images x out_channels * g.positions()) = act(bias (one per channel) +
// the correlation of `in` (images x g.image_size()) with weight (out_channels
// x g.patch())).
void correlate(const conv_geometry& g, int out_channels, const float* weight, const float* bias,
               activation act, const float* in, int images, float* out);
// The images backward takes at a time: it sums the kernel gradient in float
// over each chunk from the first image, and the chunks' sums in double, so
// that a caller who splits a batch at multiples of it gets the same bits
// however it splits.
int backward_chunk(const conv_geometry& g, int out_channels, bool input_grad);
// Back through correlate, given its input, its output `out` and d_out, the
// gradient there: the kernel gradient (out_channels x g.patch() sums) and the
// bias gradient (out_channels sums after them), and where d_in is not null
// correlate's input gradient (overwritten), in one pass.
std::vector<double> backward(const conv_geometry& g, int out_channels, const float* weight, activation act,
                             const float* in, const float* out, const float* d_out, int images, float* d_in);
// weight_grad (out_channels x g.patch()) and bias_grad = beta * themselves
// (beta 0 overwrites, NaN too) + the sums of backward's `parts` (an empty
// one, of no images, left out), added in order.
void store_gradients(const std::vector<std::vector<double>>& parts, const conv_geometry& g, int out_channels,
                     float beta, float* weight_grad, float* bias_grad);

}  // namespace aerec::direct_conv
