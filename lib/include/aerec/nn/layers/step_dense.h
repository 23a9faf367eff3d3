#pragma once
// Per-step dense layers: the same y = activation(x W + b) at every step of a
// sequence (Keras's TimeDistributed(Dense), nn.Linear on a batch_first
// sequence). Parameters weight (inputs x outputs) and bias, as a dense layer's.
#include <string_view>

#include "aerec/nn/layer.h"

namespace aerec {

inline constexpr std::string_view step_dense_kind_name = "step_dense";

// sequence(steps, inputs) -> sequence(steps, outputs).
layer_spec step_dense_spec(int steps, int inputs, int outputs, activation act);

}  // namespace aerec
