#pragma once
// Dropout on a network's code (PyTorch's inverted dropout: each unit kept
// with probability 1 - rate, survivors scaled by 1 / (1 - rate), so the
// expected activation is unchanged), drawn batch by batch for any trainer.
#include "aerec/core/rng.h"
#include "aerec/data/sparse_batch.h"
#include "aerec/nn/autoencoder.h"
#include "aerec/train/collective.h"

namespace aerec {

// One draw for one unit or rating: kept with probability 1 - rate (no draw at rate 0).
bool survives(rng& random, float rate);

class code_dropout {
 public:
  explicit code_dropout(float rate) : rate_(rate) {}
  // A new mask over `network`'s code for `rows` rows, on its backend, valid
  // until the next draw (the batch's backward needs it); null at rate 0.
  const sparse_view* draw(autoencoder& network, rng& random, int rows);
  // The mask of a data-parallel share: drawn for the whole batch, as one
  // process draws it, and kept for the share's rows.
  const sparse_view* draw(autoencoder& network, rng& random, const batch_share& share);

 private:
  float rate_;
  sparse_batch kept_;  // the host side of mask_, its memory reused batch after batch
  device_sparse mask_;
  sparse_view view_{};
};

}  // namespace aerec
