#pragma once
// Stride-1 convolutions computed directly, without im2col's patches (internal,
// conv_ops' host implementation): the loops of conv_ops::direct_correlate,
// direct_input_grad and direct_kernel_grad on host arrays. Compiled with
// fused multiply-adds where the target has them (lib/CMakeLists.txt), as
// Eigen's GEMM is; the wasm build has none.
#include <vector>

#include "aerec/backend/ops/conv_ops.h"

namespace aerec::direct_conv {

// out (images x out_channels * g.positions()) += the correlation of `in`
// (images x g.image_size()) with weight (out_channels x g.patch()).
void correlate(const conv_geometry& g, int out_channels, const float* weight, const float* in, int images,
               float* out);
// d_in = correlate's input gradient for d_out (overwritten).
void input_grad(const conv_geometry& g, int out_channels, const float* weight, const float* d_out, int images,
                float* d_in);
// The kernel gradient for d_out, summed over the images in double.
std::vector<double> kernel_grad(const conv_geometry& g, int out_channels, const float* in, const float* d_out,
                                int images);

}  // namespace aerec::direct_conv
