#pragma once
// Dense layers: y = activation(x W + b), every input feeding every output.
// The input may have any shape: a dense layer reads it as its floats in order.
#include <string_view>

#include "aerec/nn/layer.h"

namespace aerec {

inline constexpr std::string_view dense_kind_name = "dense";

// A dense layer from `inputs` features to `outputs`.
layer_spec dense_spec(int inputs, int outputs, activation act);

}  // namespace aerec
