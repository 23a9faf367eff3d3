#include "aerec/data/implicit_feedback.h"

#include <cmath>

namespace aerec {

ratings implicit_feedback(const ratings& r, float threshold, bool normalise) {
  std::vector<std::int64_t> offsets{0};
  std::vector<std::int32_t> cols;
  std::vector<float> values;
  for (std::int32_t row = 0; row < r.rows(); ++row) {
    const auto row_cols = r.row_cols(row);
    const auto row_values = r.row_values(row);
    const std::size_t first = values.size();
    for (std::size_t e = 0; e < row_cols.size(); ++e)
      if (row_values[e] >= threshold) {
        cols.push_back(row_cols[e]);
        values.push_back(row_values[e]);
      }
    if (normalise) {
      const float unit = 1 / std::sqrt(static_cast<float>(values.size() - first));
      for (std::size_t e = first; e < values.size(); ++e) values[e] = unit;
    }
    offsets.push_back(static_cast<std::int64_t>(values.size()));
  }
  return ratings(r.rows(), r.cols(), std::move(offsets), std::move(cols), std::move(values));
}

namespace {
holdout implicit_part(const holdout& h, float threshold) {
  holdout out = h;
  out.target = implicit_feedback(h.target, threshold, false);
  if (h.input.rows() > 0) out.input = implicit_feedback(h.input, threshold, true);
  return out;
}
}  // namespace

dataset implicit_feedback(const dataset& d, float threshold) {
  dataset out = d;
  out.train = implicit_feedback(d.train, threshold, true);
  out.test = implicit_part(d.test, threshold);
  out.validation = implicit_part(d.validation, threshold);
  return out;
}

}  // namespace aerec
