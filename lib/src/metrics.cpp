#include "aerec/metrics.h"

#include <algorithm>
#include <cmath>

namespace aerec {

namespace {
constexpr std::size_t score_batch_rows = 256;
}

rating_metrics score(const ratings& target, rating_scale scale, const row_predictor& predict) {
  std::vector<std::int32_t> rows;
  for (std::int32_t r = 0; r < target.rows(); ++r)
    if (target.row_size(r) > 0) rows.push_back(r);

  rating_metrics m;
  double squared = 0, absolute = 0;
  const auto cols = static_cast<std::size_t>(target.cols());
  for (std::size_t first = 0; first < rows.size(); first += score_batch_rows) {
    const auto batch = std::span(rows).subspan(first, std::min(score_batch_rows, rows.size() - first));
    const std::vector<float> predicted = predict(batch);
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const float* p = predicted.data() + i * cols;
      const auto c = target.row_cols(batch[i]);
      const auto v = target.row_values(batch[i]);
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
    }
  }
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

rating_metrics evaluate(autoencoder& model, const ratings& input, const ratings& target,
                        rating_scale scale) {
  return score(target, scale, [&](std::span<const std::int32_t> rows) {
    return model.predict(gather_rows(input, rows));
  });
}

rating_metrics evaluate_global_mean(const ratings& train, const ratings& target,
                                    rating_scale scale) {
  double sum = 0;
  for (const float v : train.values()) sum += v;
  const auto mean = static_cast<float>(train.nnz() > 0 ? sum / static_cast<double>(train.nnz()) : 0);
  return score(target, scale, [&](std::span<const std::int32_t> rows) {
    return std::vector<float>(rows.size() * static_cast<std::size_t>(target.cols()), mean);
  });
}

}  // namespace aerec
