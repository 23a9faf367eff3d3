#pragma once
// Trains an autoencoder on the rows of a ratings matrix (each row is both
// the input and the target: the autoencoder reconstructs the rated entries).
#include "aerec/autoencoder.h"
#include "aerec/loss.h"
#include "aerec/optimizer.h"
#include "aerec/train_config.h"

namespace aerec {

struct epoch_report {
  int epoch;               // 1-based
  double train_rmse;       // over the epoch's rated entries, each measured before its update
  double train_seed_loss;  // the seed's figure: each user's RMSE, averaged over users
  double seconds;
};

class trainer {
 public:
  trainer(autoencoder& model, const train_config& config);

  // One pass over every row that has at least one rating (the seed skips empty rows).
  epoch_report run_epoch(const ratings& train);
  int epochs_done() const { return epochs_done_; }

 private:
  // Running sums over an epoch's batches.
  struct epoch_sums {
    double squared = 0;       // squared error over rated entries
    std::size_t rated = 0;    // rated entries
    double user_rmse = 0;     // sum of each user's RMSE
  };
  void train_batch(const sparse_batch& batch, epoch_sums& sums);

  autoencoder& model_;
  train_config config_;
  optimizer optimizer_;
  masked_mse loss_;
  rng random_;
  device_sparse input_;
  device_array<float> d_output_;
  int epochs_done_ = 0;
};

}  // namespace aerec
