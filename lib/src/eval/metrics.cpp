#include "aerec/eval/metrics.h"

#include <algorithm>
#include <cmath>

#include "aerec/core/error.h"
#include "eval/batched_predictions.h"

namespace aerec {

rating_metrics score_predicted(const ratings& predicted, const ratings& target, rating_scale scale) {
  AEREC_ASSERT(predicted.nnz() == target.nnz() && predicted.rows() == target.rows());
  rating_metrics m;
  double squared = 0, absolute = 0;
  for (std::int32_t row = 0; row < target.rows(); ++row) {
    const auto p = predicted.row_values(row);
    const auto v = target.row_values(row);
    if (v.empty()) continue;
    double user_squared = 0, user_squared_raw = 0;
    for (std::size_t k = 0; k < v.size(); ++k) {
      const double e = std::clamp(p[k], scale.min, scale.max) - static_cast<double>(v[k]);
      const double e_raw = static_cast<double>(p[k]) - v[k];
      user_squared += e * e;
      user_squared_raw += e_raw * e_raw;
      absolute += std::abs(e);
    }
    squared += user_squared;
    const auto n = static_cast<double>(v.size());
    m.seed_loss += std::sqrt(user_squared / n);
    m.seed_loss_unclipped += std::sqrt(user_squared_raw / n);
    m.ratings += v.size();
    ++m.users;
  }
  if (m.ratings > 0) {
    const auto n = static_cast<double>(m.ratings);
    m.rmse = std::sqrt(squared / n);
    m.mae = absolute / n;
    m.seed_loss /= static_cast<double>(m.users);
    m.seed_loss_unclipped /= static_cast<double>(m.users);
  }
  return m;
}

namespace {

std::vector<std::int32_t> rows_with_entries(const ratings& r) {
  std::vector<std::int32_t> rows;
  for (std::int32_t i = 0; i < r.rows(); ++i)
    if (r.row_size(i) > 0) rows.push_back(i);
  return rows;
}

// `pattern`'s entries with these values, in its order.
ratings with_values(const ratings& pattern, std::vector<float> values) {
  const auto offsets = pattern.offsets();
  const auto cols = pattern.cols_index();
  return ratings(pattern.rows(), pattern.cols(), {offsets.begin(), offsets.end()}, {cols.begin(), cols.end()},
                 std::move(values));
}

// `predict`'s predictions at `target`'s entries.
ratings predicted_by(const ratings& target, const row_predictor& predict) {
  std::vector<float> values;
  values.reserve(target.nnz());
  for_each_prediction(rows_with_entries(target), target.cols(), predict,
                      [&](std::int32_t row, std::span<const float> p) {
                        for (const std::int32_t c : target.row_cols(row))
                          values.push_back(p[static_cast<std::size_t>(c)]);
                      });
  return with_values(target, std::move(values));
}

}  // namespace

rating_metrics score(const ratings& target, rating_scale scale, const row_predictor& predict) {
  return score_predicted(predicted_by(target, predict), target, scale);
}

ratings predicted_entries(autoencoder& model, const ratings& input, const ratings& target) {
  if (model.takes_whole_matrix()) return predicted_by(target, model_predictor(model, input));
  const std::vector<std::int32_t> rows = rows_with_entries(target);
  std::vector<float> values;
  values.reserve(target.nnz());
  for (std::size_t first = 0; first < rows.size(); first += prediction_batch_rows) {
    const auto batch = std::span(rows).subspan(first, std::min(prediction_batch_rows, rows.size() - first));
    const std::vector<float> p = model.predict_at(gather_rows(input, batch), gather_rows(target, batch));
    values.insert(values.end(), p.begin(), p.end());
  }
  return with_values(target, std::move(values));
}

rating_metrics evaluate(autoencoder& model, const ratings& input, const ratings& target, rating_scale scale) {
  return score_predicted(predicted_entries(model, input, target), target, scale);
}

rating_metrics evaluate_global_mean(const ratings& train, const ratings& target, rating_scale scale) {
  double sum = 0;
  for (const float v : train.values()) sum += v;
  const auto mean = static_cast<float>(train.nnz() > 0 ? sum / static_cast<double>(train.nnz()) : 0);
  return score(target, scale, [&](std::span<const std::int32_t> rows) {
    return std::vector<float>(rows.size() * static_cast<std::size_t>(target.cols()), mean);
  });
}

}  // namespace aerec
