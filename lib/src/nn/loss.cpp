#include "aerec/nn/loss.h"

#include "aerec/backend/ops/loss_ops.h"
#include "aerec/core/error.h"
#include "core/names.h"

namespace aerec {

const char* loss_normalization_name(loss_normalization n) {
  return n == loss_normalization::all_entries ? "all" : "rated";
}

loss_normalization parse_loss_normalization(const std::string& name) {
  static const std::vector<loss_normalization> all = {loss_normalization::all_entries,
                                                      loss_normalization::rated_entries};
  return find_by_name("loss normalisation", name, all, loss_normalization_name);
}

loss_value masked_mse::evaluate(const_matrix_view output, const sparse_view& target, matrix_view grad,
                                const batch_extent* whole) {
  AEREC_ASSERT(output.rows == target.rows && output.cols == target.cols);
  return evaluate_with(target, whole, [&](float scale, float* row_sums) {
    ops<loss_ops>(backend_).masked_squared_error(output, target, scale, grad, row_sums);
  });
}

loss_value masked_mse::evaluate_rated(const float* predicted, const sparse_view& target, float* grad,
                                      const batch_extent* whole) {
  return evaluate_with(target, whole, [&](float scale, float* row_sums) {
    ops<loss_ops>(backend_).rated_squared_error(predicted, target, scale, grad, row_sums);
  });
}

template <class Kernel>
loss_value masked_mse::evaluate_with(const sparse_view& target, const batch_extent* whole, Kernel&& kernel) {
  const batch_extent batch = whole ? *whole : batch_extent{target.rows, target.nnz};
  const double denominator = norm_ == loss_normalization::all_entries
                                 ? static_cast<double>(batch.rows) * target.cols
                                 : static_cast<double>(batch.rated);
  // A batch with nothing rated has zero loss and zero gradient.
  const double scale = denominator > 0 ? 2.0 / denominator : 0.0;
  row_sums_.reserve(backend_, static_cast<std::size_t>(std::max(1, target.rows)));
  kernel(static_cast<float>(scale), row_sums_.data());
  loss_value v{0, row_sums_.download(static_cast<std::size_t>(target.rows)),
               static_cast<std::size_t>(target.nnz)};
  double sum = 0;
  for (const float s : v.row_sums) sum += s;
  v.loss = denominator > 0 ? sum / denominator : 0.0;
  return v;
}

loss_value multinomial_nll::evaluate(const_matrix_view output, const sparse_view& target, matrix_view grad,
                                     const batch_extent* whole) {
  AEREC_ASSERT(output.rows == target.rows && output.cols == target.cols);
  const std::int64_t rows = whole ? whole->rows : target.rows;
  const double scale = rows > 0 ? 1.0 / static_cast<double>(rows) : 0.0;
  row_sums_.reserve(backend_, static_cast<std::size_t>(std::max(1, target.rows)));
  ops<loss_ops>(backend_).multinomial_loss(output, target, static_cast<float>(scale), grad, row_sums_.data());
  loss_value v{0, row_sums_.download(static_cast<std::size_t>(target.rows)),
               static_cast<std::size_t>(target.nnz)};
  for (const float s : v.row_sums) v.loss += s * scale;
  return v;
}

}  // namespace aerec
