#pragma once
// Trains a parametric_map on codes and the places a t-SNE map gave them:
// mean squared error of the standardised places, Adam (aerec's optimizer) on
// shuffled mini-batches. Deterministic for a seed.
#include <cstdint>
#include <span>
#include <vector>

#include "aerec/map/parametric_map.h"

namespace aerec {

struct parametric_map_options {
  std::vector<int> hidden{64, 64};
  int epochs = 400;
  int batch = 128;
  double learning_rate = 1e-3;
  std::uint64_t seed = 1;
};

// `codes` N x code_size and `places` N x 2, row-major. Throws
// error_code::invalid_argument for lengths that disagree or fewer than 2 codes.
parametric_map fit_parametric_map(backend& b, std::span<const float> codes, int code_size,
                                  std::span<const float> places, const parametric_map_options& options = {});

}  // namespace aerec
