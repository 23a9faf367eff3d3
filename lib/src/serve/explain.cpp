#include "aerec/serve/explain.h"

#include <algorithm>

#include "aerec/core/error.h"

namespace aerec {

std::vector<std::vector<reason>> explain(const batch_scorer& score, std::span<const float> row,
                                         std::span<const std::int32_t> columns, std::size_t k) {
  const std::size_t n = row.size();
  std::vector<std::int32_t> rated;
  for (std::size_t c = 0; c < n; ++c)
    if (row[c] != 0) rated.push_back(static_cast<std::int32_t>(c));
  for (const std::int32_t c : columns)
    if (c < 0 || static_cast<std::size_t>(c) >= n)
      throw error(error_code::invalid_argument,
                  "column " + std::to_string(c) + " is not a movie of the model");

  // Row 0: every rating; row 1 + i: without rated[i].
  std::vector<float> rows((rated.size() + 1) * n);
  for (std::size_t r = 0; r <= rated.size(); ++r) {
    std::copy(row.begin(), row.end(), rows.begin() + static_cast<std::ptrdiff_t>(r * n));
    if (r > 0) rows[r * n + static_cast<std::size_t>(rated[r - 1])] = 0;
  }
  const std::vector<float> scores = score(rows);
  AEREC_ASSERT(scores.size() == rows.size());

  std::vector<std::vector<reason>> out;
  for (const std::int32_t c : columns) {
    const auto column = static_cast<std::size_t>(c);
    std::vector<reason> found;
    for (std::size_t i = 0; i < rated.size(); ++i) {
      const float effect = scores[column] - scores[(i + 1) * n + column];
      const auto r = static_cast<std::size_t>(rated[i]);
      if (effect > 0 && rated[i] != c) found.push_back({rated[i], row[r], effect});
    }
    const std::size_t kept = std::min(k, found.size());
    std::partial_sort(found.begin(), found.begin() + static_cast<std::ptrdiff_t>(kept), found.end(),
                      [](const reason& a, const reason& b) {
                        return a.effect != b.effect ? a.effect > b.effect : a.column < b.column;
                      });
    found.resize(kept);
    out.push_back(std::move(found));
  }
  return out;
}

}  // namespace aerec
