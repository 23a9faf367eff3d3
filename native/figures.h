#pragma once
// The test figures that train and eval report: rating accuracy and top-N
// ranking, each beside its baseline.
#include "aerec/autoencoder.h"
#include "aerec/dataset.h"
#include "output.h"

namespace aerec::cli {

// Scores `net` predicting `target` from `input`, adds the figures to `out`
// (test_rmse, test_recall_at_20, baseline_..., ...) and, when `print`, shows
// them on stdout. `train` gives the baselines' global mean and popularity.
void report_test_figures(json& out, autoencoder& net, const ratings& train, const ratings& input,
                         const ratings& target, rating_scale scale, bool print);

}  // namespace aerec::cli
