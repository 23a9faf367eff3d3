#pragma once
// Embedding layers: each step's movie id becomes its row of a learnt
// vocabulary x dims table (PyTorch's nn.Embedding with padding_idx 0), the
// step's rating, when given, copied after it. Always a network's first layer.
#include <string_view>

#include "aerec/nn/layer.h"

namespace aerec {

inline constexpr std::string_view embedding_kind_name = "embedding";

// sequence(steps, 1 or 2) -> sequence(steps, dims, plus 1 with_rating). Each
// step's first feature is a movie index plus one as a float (1..vocabulary;
// 0 pads: its output is zeros and it trains nothing), its second (with_rating)
// the rating, copied as the last output feature. Parameter weight: vocabulary
// x dims.
layer_spec embedding_spec(int steps, int vocabulary, int dims, bool with_rating = false);

}  // namespace aerec
