#pragma once
// A batch of sparse rows (users' ratings) on the host, and its copy on a backend.
#include <cstdint>
#include <span>
#include <vector>

#include "aerec/backend/device_array.h"
#include "aerec/data/ratings.h"

namespace aerec {

struct sparse_batch {
  int cols = 0;
  std::vector<int> offsets{0};
  std::vector<int> cols_index;
  std::vector<float> values;

  int rows() const { return static_cast<int>(offsets.size()) - 1; }
  int nnz() const { return static_cast<int>(values.size()); }
  void append_row(std::span<const std::int32_t> row_cols, std::span<const float> row_values);
};

// A rows x cols batch with every entry, valued 1: a dense matrix seen as
// sparse, for paths that take sparse inputs (set its view's values).
sparse_batch every_entry(int rows, int cols);

// The given rows of `r`, in that order.
sparse_batch gather_rows(const ratings& r, std::span<const std::int32_t> rows);
// Rows [begin, end) of `batch`.
sparse_batch slice_rows(const sparse_batch& batch, int begin, int end);

class device_sparse {
 public:
  // Copies `batch` to the backend, reusing memory from earlier batches.
  void assign(backend& b, const sparse_batch& batch);
  sparse_view view() const;

 private:
  device_array<int> offsets_;
  device_array<int> cols_index_;
  device_array<float> values_;
  int rows_ = 0;
  int cols_ = 0;
  int nnz_ = 0;
};

}  // namespace aerec
