#pragma once
// Trains a parametric_map on codes and the places a t-SNE map gave them: the
// mean distance of the standardised places from their targets, Adam (aerec's
// optimizer, with weight decay) on shuffled mini-batches, the learning rate
// falling to zero on a cosine. Each code is moved part of the way towards one
// of its nearest codes, keeping its place: the map should not change between
// neighbouring codes, which is what a new code needs. Deterministic for a seed.
#include <cstdint>
#include <span>
#include <vector>

#include "aerec/map/parametric_map.h"

namespace aerec {

struct parametric_map_options {
  std::vector<int> hidden{64, 64, 64, 64};
  int epochs = 400;
  int batch = 128;
  double learning_rate = 1e-3;  // the first; the last is 0
  double weight_decay = 1e-3;
  int mix_neighbors = 30;  // how many nearest codes a code moves towards (0: none)
  std::uint64_t seed = 1;
};

// `codes` N x code_size and `places` N x 2, row-major. Throws
// error_code::invalid_argument for lengths that disagree or fewer than 2 codes.
parametric_map fit_parametric_map(backend& b, std::span<const float> codes, int code_size,
                                  std::span<const float> places, const parametric_map_options& options = {});

// The loss fit_parametric_map minimises, the mean over the rows of
// |placed - target| (N x 2 each), and its gradient by `placed` into `d_placed`
// (which may be `placed` itself).
double placement_loss(std::span<const float> placed, std::span<const float> target,
                      std::span<float> d_placed);

}  // namespace aerec
