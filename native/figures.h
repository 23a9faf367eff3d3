#pragma once
// The test figures that train and eval report: rating accuracy and top-N
// ranking, each beside its baseline.
#include "aerec/nn/autoencoder.h"
#include "aerec/data/dataset.h"
#include "output.h"

namespace aerec::cli {

// Scores `net` predicting `target` from `input`, adds the figures to `out`
// (test_rmse, test_recall_at_20, baseline_..., ...) and, when `print`, shows
// them on stdout. `train` gives the baselines' global mean and popularity.
// With `item_based` (all four matrices movies x users), the figures are still
// per user (seed_loss, users), and the ranking figures, which rank each user's
// movies, are skipped with a note on stderr.
void report_test_figures(json& out, autoencoder& net, const ratings& train, const ratings& input,
                         const ratings& target, rating_scale scale, bool item_based, bool print);

// The top-N figures alone, beside the popularity baseline's (a model trained
// for ranking, whose outputs are no ratings).
void report_ranking_figures(json& out, autoencoder& net, const ratings& train, const ratings& input,
                            const ratings& target, bool print);

}  // namespace aerec::cli
