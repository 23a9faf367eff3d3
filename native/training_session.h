#pragma once
// One training run of the CLI, from its arguments to its figures: what
// `aerec train` does, and `aerec tune` does for each configuration it tries.
#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "aerec/train/early_stopping.h"
#include "aerec/nn/model.h"
#include "aerec/train/train_config.h"
#include "aerec/train/trainer.h"
#include "data_source.h"
#include "output.h"

namespace aerec::cli {

struct train_args {
  // Whether the run saves checkpoints (every --checkpoint-every epochs, and
  // on Ctrl-C), and prints progress and notes: tune's trials do neither.
  bool checkpoints = true;
  bool quiet = false;
  data_source data;
  std::string split = "u1", preset = "seed", out, metrics_out, resume, checkpoint;
  // Where to compute (--device): not part of the configuration, so a run may resume on another device.
  std::string device = "cpu";
  double val = 0;
  int patience = 0;
  int checkpoint_every = 0;
  // Each configuration flag the user gave, applied in declaration order on top of the preset.
  std::vector<std::function<void(train_config&)>> overrides;
  std::vector<CLI::Option*> config_flags;  // to refuse them with --resume
};

// Everything a run needs, whether it starts afresh or resumes a checkpoint.
struct session {
  json run;  // the run's description and history: the checkpoint's RUNJ section
  train_config config;
  dataset data;
  std::unique_ptr<backend> device;
  std::unique_ptr<model> trained;
  std::unique_ptr<trainer> train;
  std::unique_ptr<early_stopping> stopping;
  std::string checkpoint_path;
  bool checkpoints = true;
  bool quiet = false;
};

// --device cpu|cuda|auto, for the commands that train.
void add_device_option(CLI::App& cmd, std::string& device);

// A new run (its data loaded, the network initialised), or the one saved in a.resume.
session start(const train_args& a);
session resume(const train_args& a);

// Runs the remaining epochs. Returns false when interrupted (a checkpoint is
// then saved, if the run saves them).
bool run_epochs(session& s);

// Whether the run trains for ranking (the multinomial objective): its outputs
// are scores, not ratings, and it is judged by top-N figures.
bool ranks(const session& s);
// "validation_rmse", or "validation_ndcg_at_100" when ranking.
const char* validation_key(const session& s);
// The best epoch's validation figure (run_epochs with a validation slice).
double best_validation(const session& s);

// Puts the best epoch's parameters back (with validation) and measures the
// test figures, as `aerec train` reports and saves them.
json final_metrics(session& s);

void save_session(session& s);

}  // namespace aerec::cli
