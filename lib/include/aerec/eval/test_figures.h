#pragma once
// The test figures that training and `aerec eval` report: a rating model's
// errors beside the global mean's, and top-N figures beside popularity's.
#include <nlohmann/json.hpp>
#include <optional>

#include "aerec/data/dataset.h"
#include "aerec/eval/metrics.h"
#include "aerec/eval/ranking_metrics.h"
#include "aerec/nn/autoencoder.h"
#include "aerec/nn/model.h"

namespace aerec {

struct test_figures {
  std::optional<rating_metrics> rating, global_mean;   // a rating model's
  std::optional<ranking_metrics> ranking, popularity;  // a user-based model's
};

// `net` predicting `target` from `input`, its rows as `meaning` says: for a
// ranking model the top-N figures alone; for a rating model its errors and,
// unless it is item-based, the top-N figures too. Item-based matrices (all
// four) are movies x users, and their figures are still per user (seed_loss,
// users); ranking a user's movies would need every movie's row predicted at
// that user's column, the whole matrix, so it is not done. `train` gives the
// baselines' global mean and popularity.
test_figures measure_test_figures(autoencoder& net, const model_meaning& meaning, const ratings& train,
                                  const ratings& input, const ratings& target, rating_scale scale);

// Adds them to `out`: test_rmse, test_recall_at_20, ..., baseline_global_mean_rmse,
// baseline_popularity_recall_at_20, ...
void add_figures(nlohmann::ordered_json& out, const test_figures& figures);

}  // namespace aerec
