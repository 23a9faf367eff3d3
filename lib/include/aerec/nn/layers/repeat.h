#pragma once
// Repeat layers: a vector copied to every step of a sequence (Keras's
// RepeatVector), as a seq2seq decoder's input. No parameters, no activation.
#include <string_view>

#include "aerec/nn/layer.h"

namespace aerec {

inline constexpr std::string_view repeat_kind_name = "repeat";

// features(features) -> sequence(steps, features).
layer_spec repeat_spec(int features, int steps);

}  // namespace aerec
