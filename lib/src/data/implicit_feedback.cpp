#include "aerec/data/implicit_feedback.h"

#include <cmath>

namespace aerec {

namespace {

// Appends one row's interactions to `cols` and `values`.
template <class Col>
void append_implicit_row(std::span<const Col> row_cols, std::span<const float> row_values, float threshold,
                         bool normalise, std::vector<Col>& cols, std::vector<float>& values) {
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
}

}  // namespace

ratings implicit_feedback(const ratings& r, float threshold, bool normalise) {
  std::vector<std::int64_t> offsets{0};
  std::vector<std::int32_t> cols;
  std::vector<float> values;
  for (std::int32_t row = 0; row < r.rows(); ++row) {
    append_implicit_row(r.row_cols(row), r.row_values(row), threshold, normalise, cols, values);
    offsets.push_back(static_cast<std::int64_t>(values.size()));
  }
  return ratings(r.rows(), r.cols(), std::move(offsets), std::move(cols), std::move(values));
}

sparse_batch implicit_feedback(const sparse_batch& b, float threshold) {
  sparse_batch out;
  out.cols = b.cols;
  for (int row = 0; row < b.rows(); ++row) {
    const auto start = static_cast<std::size_t>(b.offsets[static_cast<std::size_t>(row)]);
    const auto end = static_cast<std::size_t>(b.offsets[static_cast<std::size_t>(row) + 1]);
    append_implicit_row(std::span<const int>(b.cols_index).subspan(start, end - start),
                        std::span<const float>(b.values).subspan(start, end - start), threshold, true,
                        out.cols_index, out.values);
    out.offsets.push_back(out.nnz());
  }
  return out;
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
