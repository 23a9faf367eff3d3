#pragma once
// 2-D convolution layers over images (PyTorch's nn.Conv2d): out_channels
// kernels of in_channels x k x k slide over the zero-padded input with a
// stride, a cross-correlation as PyTorch's. Parameters: weight (out_channels x
// in_channels * k * k, PyTorch's (out, in, kh, kw) flattened) and bias (1 x
// out_channels). They take dense inputs only.
#include <string_view>

#include "aerec/nn/layer.h"

namespace aerec {

inline constexpr std::string_view conv2d_kind_name = "conv2d";

// input (c, h, w) -> (out_channels, (h + 2p - k) / s + 1, (w + 2p - k) / s + 1).
layer_spec conv2d_spec(shape input, int out_channels, int kernel_size, int stride, int padding,
                       activation act);

}  // namespace aerec
