#pragma once
// Nearest-neighbour upsampling of images: each pixel becomes a scale x scale
// block of its value. No parameters; its activation is the identity.
#include <string_view>

#include "aerec/nn/layer.h"

namespace aerec {

inline constexpr std::string_view upsample2d_kind_name = "upsample2d";

// (c,h,w) -> (c, h*scale, w*scale), as Keras's UpSampling2D and PyTorch's
// nn.Upsample(scale_factor=scale, mode="nearest").
layer_spec upsample2d_spec(shape input, int scale);

}  // namespace aerec
