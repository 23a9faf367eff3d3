#pragma once
// Per-pixel losses of dense outputs against dense targets, for image
// autoencoders: every output counts, the mean taken over all of them, with
// PyTorch's formulas (nn.BCELoss, nn.MSELoss, reduction "mean").
#include <string>

#include "aerec/backend/device_array.h"
#include "aerec/nn/loss.h"

namespace aerec {

// bce: nn.BCELoss, -(t log p + (1-t) log(1-p)) with each log clamped to >= -100,
// for outputs in [0, 1] (a sigmoid's; outside it the loss is NaN where PyTorch
// refuses); mse: nn.MSELoss, (p-t)^2.
enum class pixel_loss_kind { bce, mse };

const char* pixel_loss_name(pixel_loss_kind k);  // "bce", "mse"
// Throws error_code::invalid_argument listing the names.
pixel_loss_kind parse_pixel_loss(const std::string& name);

class pixel_loss {
 public:
  pixel_loss(backend& b, pixel_loss_kind kind) : backend_(b), kind_(kind) {}

  // The mean over rows x cols of the per-pixel loss of `output` against
  // `target` (same shape, backend memory; throws error_code::invalid_argument
  // otherwise); writes dL/d(output) of that mean into `grad` (rows x cols,
  // backend memory) unless grad is null. row_sums: each row's sum of per-pixel
  // losses; rated = rows * cols.
  loss_value evaluate(const_matrix_view output, const_matrix_view target, float* grad);

 private:
  backend& backend_;
  pixel_loss_kind kind_;
  device_array<float> row_sums_;
};

}  // namespace aerec
