#pragma once
// An LSTM encoder for teacher forcing: it reads all but the last `feed` steps
// of its input, and beside each of those last steps emits its code (the last
// state) and that step's input, a decoder's input when each decoder step is
// given the movie before the one it predicts. Parameters as an lstm layer's.
#include <string_view>

#include "aerec/nn/layer.h"

namespace aerec {

inline constexpr std::string_view lstm_feed_kind_name = "lstm_feed";

// sequence(reads + feed, inputs) -> sequence(feed, hidden + inputs).
layer_spec lstm_feed_spec(int reads, int feed, int inputs, int hidden);

}  // namespace aerec
