#pragma once
// Transposed 2-D convolution layers (PyTorch's nn.ConvTranspose2d with
// output_padding 0): the adjoint of a conv2d layer's map from its output back
// to its input, how decoders grow images. Parameters: weight (in_channels x
// out_channels * k * k, PyTorch's (in, out, kh, kw) flattened) and bias (1 x
// out_channels). They take dense inputs only.
#include <string_view>

#include "aerec/nn/layer.h"

namespace aerec {

inline constexpr std::string_view conv_transpose2d_kind_name = "conv_transpose2d";

// input (c, h, w) -> (out_channels, (h - 1) s - 2p + k, (w - 1) s - 2p + k).
layer_spec conv_transpose2d_spec(shape input, int out_channels, int kernel_size, int stride, int padding,
                                 activation act);

}  // namespace aerec
