#pragma once
// Trains an autoencoder on the rows of a ratings matrix (each row is both
// the input and the target: the autoencoder reconstructs the rated entries).
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "aerec/nn/autoencoder.h"
#include "aerec/nn/loss.h"
#include "aerec/train/code_dropout.h"
#include "aerec/train/collective.h"
#include "aerec/train/lbfgs.h"
#include "aerec/train/optimizer.h"
#include "aerec/train/train_config.h"

namespace aerec {

struct epoch_report {
  int epoch;               // 1-based
  double train_rmse;       // over the epoch's rated entries, each measured before its update
  double train_seed_loss;  // the seed's figure: each user's RMSE, averaged over users
  double seconds;
  // The multinomial objective's mean negative log-likelihood per user (the
  // rating figures above are then 0).
  double train_nll = 0;
};

class trainer {
 public:
  // `together` combines the gradients of a data-parallel run's processes
  // (collective.h); one process by default.
  trainer(autoencoder& model, const train_config& config, collective& together = one_process());

  // One pass over every row that has at least one rating (the seed skips
  // empty rows). With L-BFGS (train_config::lbfgs), one lbfgs::step over all
  // of them; its figures are those of the step's first evaluation, before any update.
  epoch_report run_epoch(const ratings& train);
  // The same, but between two batches asks `stop` and, when it says so,
  // returns nothing: the next call continues the epoch where it stopped, and
  // the result is exactly that of an uninterrupted epoch. (L-BFGS's one
  // batch: asked once, before the step.)
  std::optional<epoch_report> run_epoch(const ratings& train, const std::function<bool()>& stop);
  int epochs_done() const { return epochs_done_; }

  // Everything later epochs depend on besides the parameters: gradients (the
  // seed accumulates them), optimizer state, random state and the progress
  // of an unfinished epoch. load_state throws error_code::model_format,
  // naming `source`, for a state that does not fit this model and config.
  std::string save_state() const;
  void load_state(std::string_view bytes, const std::string& source);

 private:
  // Running sums over an epoch's batches.
  struct epoch_sums {
    double squared = 0;     // squared error over rated entries
    std::size_t rated = 0;  // rated entries
    double user_rmse = 0;   // sum of each user's RMSE
    double nll = 0;         // sum of each user's negative log-likelihood
    std::size_t users = 0;
  };
  // An epoch under way.
  struct epoch_progress {
    std::vector<std::int32_t> rows;  // the order of this epoch; empty between epochs
    std::size_t next = 0;            // the first row not yet trained
    epoch_sums sums;
    double seconds = 0;
  };
  // Every non-empty training row as one batch on the backend, for L-BFGS;
  // kept from epoch to epoch while the training rows are the same.
  struct full_batch {
    const ratings* source = nullptr;
    std::int32_t source_rows = 0;
    std::size_t source_nnz = 0;
    bool global = false;       // gathered for a network with a global kernel (every row on rank 0)
    std::vector<int> offsets;  // the batch's row offsets, on the host
    device_sparse rows;
  };
  // The full-batch objective at the parameters' current values.
  struct full_batch_value {
    double objective;
    loss_value fit;  // the rated entries' squared errors (row_sums: each row's sum)
  };
  void train_batch(const sparse_batch& batch, epoch_sums& sums);
  // The penalties for this process's share of a batch (collective.h).
  void share_penalties(const batch_share& share);
  // Adds this process's figures of a batch, summed over the processes, to `sums`.
  void add_sums(epoch_sums mine, epoch_sums& sums);
  // The one place where gradients are applied: summed over the processes,
  // then the optimizer's step.
  void apply_gradients(std::span<const parameter_rows> lazy = {});
  // Lazy updates: the rows a step on a batch with this input and target reaches.
  std::vector<parameter_rows> lazy_rows(const sparse_batch& input, const sparse_batch& target);
  // The columns with entries in `batch`, ascending.
  std::vector<std::int32_t> distinct_columns(const sparse_batch& batch);
  // Adds a batch's squared errors (rows delimited by `offsets`) to the sums.
  static void add_fit(const loss_value& loss, std::span<const int> offsets, epoch_sums& sums);
  epoch_report finish_epoch(const epoch_sums& sums, double seconds);
  // One L-BFGS step over every non-empty row of `train`.
  epoch_report run_lbfgs_epoch(const ratings& train);
  const full_batch& full_batch_of(const ratings& train);
  // GLocal-K's second stage: adds the global kernel to the network, and a new L-BFGS for every parameter.
  void start_fine_tuning(const ratings& train);
  // A new L-BFGS over every parameter, with an empty history.
  void restart_lbfgs();
  // L-BFGS's objective on `rows` (1/2 squared error + lambda_2 / 2 * the
  // squared weights + the model's penalties); writes every parameter's
  // gradient of it (overwriting).
  full_batch_value full_batch_objective(const sparse_view& rows);
  // lambda_2 / 2 * the sum of the squared `.weight` parameters; adds its
  // gradient, lambda_2 * w, to theirs.
  double weight_penalty();
  // Loss and gradients of a batch (on the backend) that the network sees as
  // x, by the cheapest path, normalised by `whole` (the batch x is a share of).
  loss_value forward_backward(const sparse_view& x, const sparse_view& target, const sparse_view* mask,
                              const batch_extent& whole);
  // The batch with masking and Gaussian noise (input_dropout, input_noise), drawn from random_.
  sparse_batch corrupted(const sparse_batch& batch);
  // Draws the variational code's noise for the batch's users, keeping the
  // share's, with the KL weight of this step.
  void sample_code(const batch_share& share);
  void start_epoch(const ratings& train);
  // Dense re-feeding: one more step with the network's output for the batch
  // (seen as `x`) as both input and target.
  void refeed(const sparse_view& x, const batch_share& share);

  autoencoder& model_;
  train_config config_;
  collective& together_;
  optimizer optimizer_;
  masked_mse loss_;
  multinomial_nll multinomial_;
  device_array<float> code_draws_;
  rng random_;
  device_sparse target_;  // the batch
  device_sparse input_;   // the batch as the network sees it, when corrupted
  device_array<float> d_output_;
  device_sparse every_entry_;          // rows x items, every entry, valued 1: re-feeding's pattern
  device_array<float> refeed_values_;  // the output there
  code_dropout dropout_;
  int epochs_done_ = 0;
  epoch_progress progress_;
  std::optional<lbfgs> lbfgs_;
  full_batch full_batch_;
  device_array<float> row_sums_;   // the full batch's squared errors by row
  std::vector<char> column_seen_;  // distinct_columns' marks, all 0 between calls
};

}  // namespace aerec
