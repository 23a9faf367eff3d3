#pragma once
// Max pooling of images: each channel's k x k windows every s pixels reduced
// to their maximum. No parameters; its activation is the identity.
#include <string_view>

#include "aerec/nn/layer.h"

namespace aerec {

inline constexpr std::string_view max_pool2d_kind_name = "max_pool2d";

// (c,h,w) -> (c, ceil((h-k)/s)+1, ceil((w-k)/s)+1): ceil mode, as Keras's
// padding="same" pools 7 -> 4 (PyTorch MaxPool2d(k, s, ceil_mode=True)); a
// window running past the edge takes the max of its in-bounds pixels.
layer_spec max_pool2d_spec(shape input, int kernel_size, int stride);

}  // namespace aerec
