#pragma once
// Trains a sequence autoencoder (nn/sequence_layers.h): each step a batch of
// windows of users' histories, the movies before a position as the input and
// the movies from it as the targets of the decoder's steps, softmax
// cross-entropy at each step, and the optimizer's step.
#include <cstdint>
#include <span>
#include <vector>

#include "aerec/core/rng.h"
#include "aerec/nn/autoencoder.h"
#include "aerec/nn/next_item_loss.h"
#include "aerec/train/code_dropout.h"
#include "aerec/train/collective.h"
#include "aerec/train/optimizer.h"
#include "aerec/train/train_config.h"

namespace aerec {

// Users' movies in time order (columns), with their ratings.
struct user_histories {
  std::vector<std::vector<std::int32_t>> columns;
  std::vector<std::vector<float>> ratings;
};

// A training example: the position in a user's history of the first movie
// to predict (1 or more: something comes before it).
struct history_window {
  std::int32_t user;
  std::int32_t at;
};
// Every window of `h`, user by user, position by position.
std::vector<history_window> windows_of(const user_histories& h);

struct sequence_epoch_report {
  int epoch;          // 1-based
  double train_loss;  // the mean cross-entropy per predicted movie over the epoch, before each update
  double seconds;
};

class sequence_trainer {
 public:
  sequence_trainer(autoencoder& network, const train_config& config, collective& together = one_process());

  // One pass over every window of `train`, shuffled when the configuration says so.
  sequence_epoch_report run_epoch(const user_histories& train);
  int epochs_done() const { return epochs_done_; }

 private:
  // The windows' input rows and each step's target (-1 past a history's end), on the backend.
  void load_batch(const user_histories& h, std::span<const history_window> windows);
  // A batch's cross-entropy summed over its targeted steps, over every process.
  struct batch_loss {
    double sum;
    std::size_t targeted;
  };
  batch_loss train_batch(int rows);

  autoencoder& network_;
  train_config config_;
  collective& together_;
  sequence_shape shape_;
  optimizer optimizer_;
  next_item_loss loss_;
  rng random_;
  code_dropout dropout_;
  std::vector<float> input_host_;
  std::vector<std::int32_t> targets_host_;
  device_array<float> input_, output_grad_;
  device_array<std::int32_t> targets_;
  int epochs_done_ = 0;
};

}  // namespace aerec
