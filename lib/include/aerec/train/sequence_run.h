#pragma once
// A sequence autoencoder's training run, whole: the ratings split by time
// (the `last` split: each user's latest movie the test target, the one
// before it the validation target), each user's training movies in time
// order, the network made from the configuration, the epochs with the
// validation part's NDCG@10 and early stopping, and the test figures beside
// the popularity and Markov-chain baselines. What `aerec train` does for a
// sequence preset.
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "aerec/eval/next_item.h"
#include "aerec/eval/test_figures.h"
#include "aerec/nn/model.h"
#include "aerec/train/early_stopping.h"
#include "aerec/train/run.h"
#include "aerec/train/sequence_trainer.h"

namespace aerec {

// Each user's training movies in time order with their ratings (the `last` split's train_order).
user_histories training_histories(const dataset& d);

// A sequence model's scores as the next-item figures take them, the ratings
// it may read taken from `d`'s input for `part`.
next_item_scorer sequence_scorer(model& m, const dataset& d, const holdout& part);

struct sequence_epoch_event {
  sequence_epoch_report report;
  double validation_ndcg = 0;  // the validation part's full-ranking NDCG@10
  bool early_stop = false;
};

class sequence_run {
 public:
  // Checks the outputs, loads the ratings on the `last` split (the run's split
  // when none is given; any other is refused, as are a validation fraction and
  // checkpoints) and makes the network. Throws invalid_argument for a
  // configuration that is not a sequence model's, or data without timestamps.
  sequence_run(run_spec spec, const train_config& config, const backend_factory& device,
               collective& together = one_process());

  // Trains the configured epochs, or until early stopping (--patience) ends the run.
  void run_epochs(const std::function<void(const sequence_epoch_event&)>& on_epoch = {});

  struct result {
    nlohmann::ordered_json metrics;  // figures, configuration, history: what aerec train writes
    next_item_test_figures test;     // the model's and the baselines'
  };
  // The best epoch's parameters back, then the test figures and the baselines'.
  result finish();

  const run_spec& spec() const { return spec_; }
  const dataset& data() const { return data_; }
  std::size_t train_windows() const { return windows_; }
  model& trained() { return *model_; }
  int epochs_done() const { return trainer_->epochs_done(); }
  const early_stopping& stopping() const { return stopping_; }

 private:
  run_spec spec_;
  train_config config_;
  dataset data_;
  user_histories train_;
  std::size_t windows_ = 0;
  std::unique_ptr<backend> device_;
  std::unique_ptr<model> model_;
  std::unique_ptr<sequence_trainer> trainer_;
  early_stopping stopping_;
  nlohmann::ordered_json history_ = nlohmann::ordered_json::array();
};

}  // namespace aerec
