#pragma once
// A training run, whole: its data prepared (split, validation slice, an
// item-based model's transposed matrices, a ranking model's implicit
// feedback), the network made, the epochs with their validation figure and
// early stopping, GLocal-K's stages, checkpoints, and the final figures. What
// `aerec train` and `aerec tune` do, and what any program embedding lib/ can
// do with the same bits.
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aerec/backend/backend.h"
#include "aerec/data/data_source.h"
#include "aerec/eval/test_figures.h"
#include "aerec/nn/model.h"
#include "aerec/train/collective.h"
#include "aerec/train/early_stopping.h"
#include "aerec/train/options.h"
#include "aerec/train/train_config.h"
#include "aerec/train/trainer.h"

namespace aerec {

// What a run is besides its configuration: its data and split, its
// validation, and where its results go. A checkpoint stores it, so that a
// resumed run is the same run.
struct run_spec {
  data_source data;
  std::string split = "u1";
  double val = 0;    // the training part's fraction carved out for validation
  int patience = 0;  // early stopping (needs val)
  std::string preset = "seed";
  std::string out, metrics_out;  // where the caller writes the model and the figures ("": nowhere)
  std::string plot;              // ... and the training curves, an .svg or .png (plot/training_curves.h)
  int checkpoint_every = 0;      // epochs between checkpoints (0: none)
  int images = 0;                // image data: the first this many images of each part (0: all)
};

// The run's options, as train_options() is the configuration's: `aerec
// train`'s flags and the keys of a checkpoint's run description.
const std::vector<option<run_spec>>& run_options();

// Throws for an output of `spec` (or the checkpoint) that cannot be written,
// before any data loads: io_error, or invalid_argument for a plot's extension.
// Rank 0 of a data-parallel run writes the outputs: only it checks them.
void check_outputs(const run_spec& spec, const std::filesystem::path& checkpoint,
                   const collective& together = one_process());

// What every run's metrics end with (its time, epochs, size, device,
// configuration and history), and `trained`'s metadata: the metrics without
// the history.
void finish_metrics(nlohmann::ordered_json& metrics, const nlohmann::ordered_json& history, int epochs,
                    model& trained, const backend& device, const train_config& config);

// The figure that judges epochs on the validation slice, and which way it improves.
struct validation_figure {
  const char* key;  // "validation_rmse", or "validation_ndcg_at_100" for a ranking model
  improves direction;
};
validation_figure validation_figure_of(const train_config& config);

// One finished epoch, as a caller's progress display sees it.
struct epoch_event {
  epoch_report report;
  std::optional<double> validation;  // with a validation slice
  bool early_stop = false;           // the last epoch: no better validation figure for `patience` epochs
};

// What a checkpoint's run description (its RUNJ section) holds: the run, its
// configuration and its history so far.
struct saved_run {
  run_spec spec;
  train_config config;
  nlohmann::ordered_json history;
};
// Reads a run description as training_run::resume does; `source` names the
// checkpoint in errors.
saved_run parse_run_description(std::string_view text, const std::string& source);

// Makes the backend a run computes on, given its configuration (the thread count).
using backend_factory = std::function<std::unique_ptr<backend>(const train_config&)>;

class training_run {
 public:
  // A new run of `config` (a preset and the caller's changes to it): its
  // outputs checked writable, its data loaded, the network made on the
  // backend `device` gives and initialised. It saves a checkpoint at
  // `checkpoint` every spec.checkpoint_every epochs and when stopped (an empty
  // path: never, as aerec tune's trials). Throws error_code::invalid_argument
  // for a configuration or spec that cannot run (a bad split, patience
  // without a validation slice), io_error for an output it cannot write.
  training_run(run_spec spec, const train_config& config, std::filesystem::path checkpoint,
               const backend_factory& device, collective& together = one_process());
  // The run saved in the checkpoint `from`, to go on where it stopped, its
  // checkpoints saved at `checkpoint`. `redirect` may change where its
  // outputs go; the rest is as saved. Throws error_code::model_format for a
  // damaged run description, invalid_argument for data that changed.
  static training_run resume(const std::filesystem::path& from, std::filesystem::path checkpoint,
                             const backend_factory& device,
                             const std::function<void(run_spec&)>& redirect = {},
                             collective& together = one_process());

  const std::filesystem::path& checkpoint_path() const { return checkpoint_; }
  // Writes the checkpoint now.
  void save_checkpoint();

  // Trains until the configured epochs are done or early stopping ends the
  // run, calling `on_epoch` after each epoch. `stop`, asked between batches,
  // ends it early (a checkpoint is saved, when the run saves them): then it
  // returns false and a later call, or a resumed run, goes on where it stopped.
  bool run_epochs(const std::function<bool()>& stop = {},
                  const std::function<void(const epoch_event&)>& on_epoch = {});

  struct result {
    nlohmann::ordered_json metrics;  // figures, configuration, history: what aerec train writes
    test_figures figures;            // the test figures among them
    std::optional<double> best_validation;
  };
  // The best epoch's parameters back (with validation), then the test figures.
  result finish();

  const run_spec& spec() const { return spec_; }
  const train_config& config() const { return config_; }
  const dataset& data() const { return data_; }
  // By real users and movies, also for an item-based run.
  const left_out& test_left_out() const { return test_left_out_; }
  const left_out& validation_left_out() const { return validation_left_out_; }
  model& trained() { return *model_; }
  const backend& device() const { return *device_; }
  int epochs_done() const { return trainer_->epochs_done(); }
  const early_stopping& stopping() const { return stopping_; }
  const nlohmann::ordered_json& history() const { return history_; }

 private:
  training_run(run_spec spec, train_config config, nlohmann::ordered_json history, collective& together);
  void prepare_data();
  // What a checkpoint stores to resume: the spec, configuration and history.
  nlohmann::ordered_json description() const;

  run_spec spec_;
  train_config config_;
  nlohmann::ordered_json history_;
  collective& together_;
  dataset data_;
  std::optional<dataset> rated_;  // a ranking model's data on the split last before implicit feedback
  left_out test_left_out_, validation_left_out_;
  std::unique_ptr<backend> device_;
  std::unique_ptr<model> model_;
  std::unique_ptr<trainer> trainer_;
  early_stopping stopping_;
  std::filesystem::path checkpoint_;
};

}  // namespace aerec
