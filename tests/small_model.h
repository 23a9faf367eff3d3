#pragma once
// A small initialised model (6 movies with scattered ids, 4-3-4 sigmoid) for
// the model-file and checkpoint tests.
#include <cstdint>
#include <memory>
#include <vector>

#include "aerec/nn/model.h"

namespace aerec::testing {

inline const std::vector<std::int32_t> small_model_movie_ids = {10, 3, 77, 5, 1000, 42};

inline model make_small_model(backend& b, std::uint64_t seed = 7, rating_scale scale = {1, 5}) {
  const int hidden[] = {4, 3, 4};
  auto net =
      std::make_unique<autoencoder>(b, stacked_layers(6, hidden, activation::sigmoid, activation::identity));
  rng random(seed);
  net->initialize(init_scheme::pytorch, random);
  return model(std::move(net), id_map(small_model_movie_ids), scale, {}, "{\"k\":1}");
}

}  // namespace aerec::testing
