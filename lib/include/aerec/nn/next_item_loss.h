#pragma once
// The next-item loss of a sequence model: softmax cross-entropy at every step
// (nn.CrossEntropyLoss with ignore_index -1, reduction "mean" over the steps
// that have a target).
#include <cstdint>

#include "aerec/backend/device_array.h"
#include "aerec/nn/loss.h"

namespace aerec {

// Softmax cross-entropy at every step (nn.CrossEntropyLoss, reduction "mean"
// over the steps that have a target): logits rows x (steps*items), targets one
// int32 per (row, step), -1 for none (padding).
class next_item_loss {
 public:
  explicit next_item_loss(backend& b) : backend_(b) {}
  // The mean over targeted steps; writes d(mean)/d(logits) into grad (rows x
  // steps*items, backend memory; untargeted steps get 0) unless grad is null.
  // targets: rows*steps int32 in backend memory. Throws invalid_argument for
  // a target outside -1..items-1, or logits whose width is not a multiple of
  // items. rated = the number of targeted steps; row_sums each row's summed
  // losses. With no targeted step the loss and the gradient are 0.
  loss_value evaluate(const_matrix_view logits, int items, const std::int32_t* targets, float* grad);

 private:
  backend& backend_;
  device_array<float> losses_;
};

}  // namespace aerec
