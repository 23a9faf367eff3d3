#pragma once
// Sparse ratings in compressed sparse row form: row r holds the columns it
// rated, in increasing order, and their values. Rows are users and columns
// items (user-major); transpose() gives the item-major form.
#include <cstdint>
#include <span>
#include <vector>

namespace aerec {

// One rating by dense indices.
struct rating_entry {
  std::int32_t row;
  std::int32_t col;
  float value;
};

class ratings {
 public:
  ratings() : offsets_(1, 0) {}
  // Builds the CSR form; entries may come in any order but must not repeat a
  // (row, col) pair (the readers report duplicates with file and line first).
  ratings(std::int32_t rows, std::int32_t cols, std::span<const rating_entry> entries);

  // Takes CSR arrays as they are: offsets has rows + 1 entries, and each
  // row's columns are strictly increasing.
  ratings(std::int32_t rows, std::int32_t cols, std::vector<std::int64_t> offsets,
          std::vector<std::int32_t> cols_index, std::vector<float> values);

  std::int32_t rows() const { return rows_; }
  std::int32_t cols() const { return cols_; }
  std::size_t nnz() const { return values_.size(); }

  std::span<const std::int32_t> row_cols(std::int32_t row) const;
  std::span<const float> row_values(std::int32_t row) const;
  std::size_t row_size(std::int32_t row) const;

  std::span<const std::int64_t> offsets() const { return offsets_; }
  std::span<const std::int32_t> cols_index() const { return cols_index_; }
  std::span<const float> values() const { return values_; }

  // The same ratings with rows and columns swapped (item-major when this is user-major).
  ratings transpose() const;
  // All entries in row-major order.
  std::vector<rating_entry> entries() const;

 private:
  std::int32_t rows_ = 0;
  std::int32_t cols_ = 0;
  std::vector<std::int64_t> offsets_;     // rows + 1
  std::vector<std::int32_t> cols_index_;  // nnz
  std::vector<float> values_;             // nnz
};

}  // namespace aerec
