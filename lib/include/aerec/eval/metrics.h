#pragma once
// Rating-prediction figures on a test set. Predictions are clipped to the
// rating scale before scoring, except in seed_loss_unclipped, which is the
// seed's own figure exactly as its code computes it.
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "aerec/data/dataset.h"
#include "aerec/nn/autoencoder.h"

namespace aerec {

struct rating_metrics {
  double rmse = 0;  // over all test ratings: the standard figure
  double mae = 0;
  double seed_loss = 0;            // each test user's RMSE, averaged over users
  double seed_loss_unclipped = 0;  // the same without clipping, as the seed reports it
  std::size_t ratings = 0;
  std::size_t users = 0;
};

// Dense predictions (rows.size() x items, row-major) for the given rows.
using row_predictor = std::function<std::vector<float>(std::span<const std::int32_t> rows)>;

// Scores `predict` on every row of `target` that has ratings.
rating_metrics score(const ratings& target, rating_scale scale, const row_predictor& predict);
// The figures of `predicted`, which holds a prediction at each of `target`'s entries.
rating_metrics score_predicted(const ratings& predicted, const ratings& target, rating_scale scale);
// The model's predictions at `target`'s entries, each from its row of
// `input`: those outputs alone where the network allows
// (autoencoder::predict_at), so the cost grows with the test ratings, not
// with users x movies.
ratings predicted_entries(autoencoder& model, const ratings& input, const ratings& target);

// The model's figures when each user's `input` row predicts their `target` row.
rating_metrics evaluate(autoencoder& model, const ratings& input, const ratings& target, rating_scale scale);

// The figures of predicting the mean training rating everywhere: the baseline
// every model must beat.
rating_metrics evaluate_global_mean(const ratings& train, const ratings& target, rating_scale scale);

}  // namespace aerec
