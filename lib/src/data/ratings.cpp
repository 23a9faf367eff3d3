#include "aerec/data/ratings.h"

#include <algorithm>
#include <functional>

#include "aerec/core/error.h"

namespace aerec {

ratings::ratings(std::int32_t rows, std::int32_t cols, std::span<const rating_entry> entries)
    : rows_(rows),
      cols_(cols),
      offsets_(static_cast<std::size_t>(rows) + 1, 0),
      cols_index_(entries.size()),
      values_(entries.size()) {
  // Counting sort by row, then sort each row by column: O(nnz log row_size).
  for (const rating_entry& e : entries) {
    AEREC_ASSERT(e.row >= 0 && e.row < rows && e.col >= 0 && e.col < cols);
    ++offsets_[static_cast<std::size_t>(e.row) + 1];
  }
  for (std::size_t r = 0; r < static_cast<std::size_t>(rows); ++r) offsets_[r + 1] += offsets_[r];
  std::vector<std::int64_t> next(offsets_.begin(), offsets_.end() - 1);
  std::vector<std::pair<std::int32_t, float>> cells(entries.size());
  for (const rating_entry& e : entries)
    cells[static_cast<std::size_t>(next[static_cast<std::size_t>(e.row)]++)] = {e.col, e.value};
  for (std::int32_t r = 0; r < rows; ++r) {
    auto first = cells.begin() + static_cast<std::ptrdiff_t>(offsets_[static_cast<std::size_t>(r)]);
    auto last = cells.begin() + static_cast<std::ptrdiff_t>(offsets_[static_cast<std::size_t>(r) + 1]);
    std::sort(first, last, [](const auto& a, const auto& b) { return a.first < b.first; });
    AEREC_ASSERT(std::adjacent_find(first, last,
                                    [](const auto& a, const auto& b) { return a.first == b.first; }) == last);
  }
  for (std::size_t k = 0; k < cells.size(); ++k) {
    cols_index_[k] = cells[k].first;
    values_[k] = cells[k].second;
  }
}

ratings::ratings(std::int32_t rows, std::int32_t cols, std::vector<std::int64_t> offsets,
                 std::vector<std::int32_t> cols_index, std::vector<float> values)
    : rows_(rows),
      cols_(cols),
      offsets_(std::move(offsets)),
      cols_index_(std::move(cols_index)),
      values_(std::move(values)) {
  AEREC_ASSERT(offsets_.size() == static_cast<std::size_t>(rows) + 1 && offsets_.front() == 0 &&
               offsets_.back() == static_cast<std::int64_t>(values_.size()) &&
               cols_index_.size() == values_.size());
  for (std::int32_t r = 0; r < rows; ++r) {
    const auto c = row_cols(r);
    AEREC_ASSERT(std::adjacent_find(c.begin(), c.end(), std::greater_equal<>()) == c.end());
    AEREC_ASSERT(c.empty() || (c.front() >= 0 && c.back() < cols));
  }
}

std::span<const std::int32_t> ratings::row_cols(std::int32_t row) const {
  const auto r = static_cast<std::size_t>(row);
  return std::span(cols_index_).subspan(static_cast<std::size_t>(offsets_[r]), row_size(row));
}

std::span<const float> ratings::row_values(std::int32_t row) const {
  const auto r = static_cast<std::size_t>(row);
  return std::span(values_).subspan(static_cast<std::size_t>(offsets_[r]), row_size(row));
}

std::size_t ratings::row_size(std::int32_t row) const {
  const auto r = static_cast<std::size_t>(row);
  return static_cast<std::size_t>(offsets_[r + 1] - offsets_[r]);
}

std::vector<rating_entry> ratings::entries() const {
  std::vector<rating_entry> out;
  out.reserve(nnz());
  for (std::int32_t r = 0; r < rows_; ++r) {
    const auto c = row_cols(r);
    const auto v = row_values(r);
    for (std::size_t k = 0; k < c.size(); ++k) out.push_back({r, c[k], v[k]});
  }
  return out;
}

ratings ratings::transpose() const {
  std::vector<rating_entry> swapped = entries();
  for (rating_entry& e : swapped) std::swap(e.row, e.col);
  return ratings(cols_, rows_, swapped);
}

}  // namespace aerec
