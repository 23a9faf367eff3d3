#include "aerec/data/sparse_batch.h"

#include <algorithm>
#include <numeric>

#include "aerec/core/error.h"

namespace aerec {

void sparse_batch::append_row(std::span<const std::int32_t> row_cols, std::span<const float> row_values) {
  cols_index.insert(cols_index.end(), row_cols.begin(), row_cols.end());
  values.insert(values.end(), row_values.begin(), row_values.end());
  offsets.push_back(static_cast<int>(values.size()));
}

sparse_batch every_entry(int rows, int cols) {
  sparse_batch all;
  all.cols = cols;
  std::vector<std::int32_t> row_cols(static_cast<std::size_t>(cols));
  std::iota(row_cols.begin(), row_cols.end(), 0);
  const std::vector<float> ones(row_cols.size(), 1.0f);
  for (int r = 0; r < rows; ++r) all.append_row(row_cols, ones);
  return all;
}

sparse_batch slice_rows(const sparse_batch& batch, int begin, int end) {
  AEREC_ASSERT(0 <= begin && begin <= end && end <= batch.rows());
  sparse_batch part;
  part.cols = batch.cols;
  const auto first = static_cast<std::size_t>(batch.offsets[static_cast<std::size_t>(begin)]);
  const auto last = static_cast<std::size_t>(batch.offsets[static_cast<std::size_t>(end)]);
  part.offsets.reserve(static_cast<std::size_t>(end - begin) + 1);
  for (int r = begin + 1; r <= end; ++r)
    part.offsets.push_back(batch.offsets[static_cast<std::size_t>(r)] - static_cast<int>(first));
  part.cols_index.assign(batch.cols_index.begin() + static_cast<std::ptrdiff_t>(first),
                         batch.cols_index.begin() + static_cast<std::ptrdiff_t>(last));
  part.values.assign(batch.values.begin() + static_cast<std::ptrdiff_t>(first),
                     batch.values.begin() + static_cast<std::ptrdiff_t>(last));
  return part;
}

sparse_batch gather_rows(const ratings& r, std::span<const std::int32_t> rows) {
  sparse_batch batch;
  batch.cols = r.cols();
  batch.offsets.reserve(rows.size() + 1);
  for (const std::int32_t row : rows) batch.append_row(r.row_cols(row), r.row_values(row));
  return batch;
}

void device_sparse::assign(backend& b, const sparse_batch& batch) {
  rows_ = batch.rows();
  cols_ = batch.cols;
  nnz_ = batch.nnz();
  offsets_.reserve(b, batch.offsets.size());
  // At least one element, so that views never hold a null pointer.
  cols_index_.reserve(b, std::max<std::size_t>(1, batch.cols_index.size()));
  values_.reserve(b, std::max<std::size_t>(1, batch.values.size()));
  offsets_.upload(batch.offsets);
  cols_index_.upload(batch.cols_index);
  values_.upload(batch.values);
}

sparse_view device_sparse::view() const {
  return {rows_, cols_, nnz_, offsets_.data(), cols_index_.data(), values_.data()};
}

}  // namespace aerec
