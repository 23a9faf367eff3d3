#pragma once
// Image autoencoders' networks, from a compact description that a preset, a
// flag and a config file can all hold.
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "aerec/core/shape.h"
#include "aerec/nn/activation.h"
#include "aerec/nn/layer.h"

namespace aerec {

// A convolutional autoencoder of `image` from comma-separated layers, each
// with `hidden_act` but the pooling and upsampling ones:
//   c16   3x3 convolution to 16 channels, padded to keep the size ("same")
//   c16v  the same without padding ("valid": 2 pixels smaller)
//   p2    2x2 max pooling, stride 2 (a window may run past the edge: 7 -> 4)
//   u2    2x nearest upsampling
//   t16   2x2 transposed convolution of stride 2 to 16 channels (2x larger)
// then a last 3x3 "same" convolution back to the image's channels with
// `output_act`. The Keras blog's autoencoder is
// "c16,p2,c8,p2,c8,p2,c8,u2,c8,u2,c16v,u2". Throws error_code::invalid_argument
// naming the layer that cannot be made or does not end at the image's size.
std::vector<layer_spec> conv_layers(shape image, std::string_view description, activation hidden_act,
                                    activation output_act);

// A dense autoencoder of `image`: stacked_layers over its pixels, taking and
// emitting the image's shape.
std::vector<layer_spec> dense_image_layers(shape image, std::span<const int> hidden, activation hidden_act,
                                           activation output_act);

}  // namespace aerec
