#pragma once
// LSTM layers, as PyTorch's nn.LSTM (one layer, batch_first, zero initial
// states): gates i, f, g, o; c_t = f c_{t-1} + i g, h_t = o tanh(c_t).
// Parameters weight_input (4h x inputs), weight_hidden (4h x h) in PyTorch's
// layouts and bias (4h: bias_ih + bias_hh). No activation of its own.
#include <string_view>

#include "aerec/nn/layer.h"

namespace aerec {

inline constexpr std::string_view lstm_kind_name = "lstm";

// sequence(steps, inputs) -> sequence(steps, hidden), or features(hidden)
// when last_only: the last step's h, an encoder's code.
layer_spec lstm_spec(int steps, int inputs, int hidden, bool last_only);

}  // namespace aerec
