#pragma once
// Training curves: the per-epoch figures of training runs (the history that
// aerec train's metrics hold, train/run.h) as line charts against the epoch,
// one chart per unit, so that runs can be compared in one picture.
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "aerec/plot/line_chart.h"

namespace aerec::plot {

struct training_history {
  std::string name;               // the run's name in the legend (a metrics file's stem)
  nlohmann::ordered_json epochs;  // an array of {"epoch": N, figure: value, ...}
};

// The history in `metrics` (what aerec train --metrics-out writes), named
// `name`. Throws error_code::parse_error starting with `source` when there is
// none: no "history" array, no epochs in it, an epoch without its number.
training_history history_of(const nlohmann::ordered_json& metrics, std::string name,
                            const std::string& source);

// The runs' figures against the epoch: a chart of the rating errors
// (train_loss, train_seed_loss, validation_rmse), one of the training NLL, one
// of the validation NDCG@100, and one for any other figure, each where some run
// has it. With one run each figure has its colour; with several each run has
// its colour and each figure its dash. Where the first tenth of the epochs
// would take more than half a chart's height, they run off it.
std::vector<line_data> training_curves(std::span<const training_history> runs);

// The runs' curves, side by side, written to `path` as write_lines does: what
// aerec plot and aerec train --plot draw.
void write_training_curves(const std::string& path, std::span<const training_history> runs);

}  // namespace aerec::plot
