#include "aerec/eval/metrics.h"

#include <algorithm>
#include <cmath>

#include "eval/batched_predictions.h"

namespace aerec {

rating_metrics score(const ratings& target, rating_scale scale, const row_predictor& predict) {
  std::vector<std::int32_t> rows;
  for (std::int32_t r = 0; r < target.rows(); ++r)
    if (target.row_size(r) > 0) rows.push_back(r);

  rating_metrics m;
  double squared = 0, absolute = 0;
  for_each_prediction(rows, target.cols(), predict, [&](std::int32_t row, std::span<const float> p) {
    const auto c = target.row_cols(row);
    const auto v = target.row_values(row);
    double user_squared = 0, user_squared_raw = 0;
    for (std::size_t k = 0; k < c.size(); ++k) {
      const float raw = p[static_cast<std::size_t>(c[k])];
      const double e = std::clamp(raw, scale.min, scale.max) - static_cast<double>(v[k]);
      const double e_raw = static_cast<double>(raw) - v[k];
      user_squared += e * e;
      user_squared_raw += e_raw * e_raw;
      absolute += std::abs(e);
    }
    squared += user_squared;
    const auto n = static_cast<double>(c.size());
    m.seed_loss += std::sqrt(user_squared / n);
    m.seed_loss_unclipped += std::sqrt(user_squared_raw / n);
    m.ratings += c.size();
  });
  m.users = rows.size();
  if (m.ratings > 0) {
    const auto n = static_cast<double>(m.ratings);
    m.rmse = std::sqrt(squared / n);
    m.mae = absolute / n;
    m.seed_loss /= static_cast<double>(m.users);
    m.seed_loss_unclipped /= static_cast<double>(m.users);
  }
  return m;
}

rating_metrics evaluate(autoencoder& model, const ratings& input, const ratings& target, rating_scale scale) {
  return score(target, scale, model_predictor(model, input));
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
