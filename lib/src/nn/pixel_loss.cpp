#include "aerec/nn/pixel_loss.h"

#include <algorithm>
#include <vector>

#include "aerec/backend/ops/pixel_loss_ops.h"
#include "aerec/core/error.h"
#include "core/names.h"

namespace aerec {

const char* pixel_loss_name(pixel_loss_kind k) { return k == pixel_loss_kind::bce ? "bce" : "mse"; }

pixel_loss_kind parse_pixel_loss(const std::string& name) {
  static const std::vector<pixel_loss_kind> all = {pixel_loss_kind::bce, pixel_loss_kind::mse};
  return find_by_name("pixel loss", name, all, pixel_loss_name);
}

loss_value pixel_loss::evaluate(const_matrix_view output, const_matrix_view target, float* grad) {
  if (output.rows != target.rows || output.cols != target.cols)
    throw error(error_code::invalid_argument,
                std::string("the ") + pixel_loss_name(kind_) + " loss's target is " +
                    std::to_string(target.rows) + " x " + std::to_string(target.cols) + ", its output " +
                    std::to_string(output.rows) + " x " + std::to_string(output.cols));
  const std::size_t rows = static_cast<std::size_t>(output.rows);
  const std::size_t n = rows * static_cast<std::size_t>(output.cols);
  row_sums_.reserve(backend_, std::max<std::size_t>(1, rows));
  const double total =
      ops<pixel_loss_ops>(backend_).pixel_loss(kind_, output, target, grad, row_sums_.data());
  return {n > 0 ? total / static_cast<double>(n) : 0.0, row_sums_.download(rows), n};
}

}  // namespace aerec
