#include "aerec/nn/next_item_loss.h"

#include <algorithm>
#include <string>
#include <vector>

#include "aerec/backend/ops/softmax_ops.h"
#include "aerec/core/error.h"

namespace aerec {

namespace {

// How many of n targets are set; throws for one outside -1..items-1.
std::size_t targeted(const std::vector<std::int32_t>& targets, int steps, int items) {
  std::size_t count = 0;
  for (std::size_t s = 0; s < targets.size(); ++s) {
    const std::int32_t t = targets[s];
    if (t < -1 || t >= items)
      throw error(error_code::invalid_argument,
                  "next-item loss: row " + std::to_string(s / static_cast<std::size_t>(steps)) + ", step " +
                      std::to_string(s % static_cast<std::size_t>(steps)) + " has the target " +
                      std::to_string(t) + ", outside -1.." + std::to_string(items - 1));
    count += t >= 0 ? 1 : 0;
  }
  return count;
}

}  // namespace

loss_value next_item_loss::evaluate(const_matrix_view logits, int items, const std::int32_t* targets,
                                    float* grad) {
  if (items < 1 || logits.cols % items != 0)
    throw error(error_code::invalid_argument, "next-item loss: logits of " + std::to_string(logits.cols) +
                                                  " columns are not steps of " + std::to_string(items) +
                                                  " items");
  const int steps = logits.cols / items, n = logits.rows * steps;
  const auto count = static_cast<std::size_t>(n);
  std::vector<std::int32_t> host(count);
  if (count > 0) backend_.to_host(host.data(), targets, count * sizeof(std::int32_t));
  const std::size_t rated = targeted(host, steps, items);
  const float scale = rated > 0 ? static_cast<float>(1.0 / static_cast<double>(rated)) : 0.0f;
  losses_.reserve(backend_, std::max<std::size_t>(1, count));
  ops<softmax_ops>(backend_).softmax_cross_entropy({logits.data, n, items}, targets, scale, grad,
                                                   losses_.data());
  const std::vector<float> losses = losses_.download(count);
  std::vector<float> row_sums(static_cast<std::size_t>(logits.rows));
  double total = 0;
  for (std::size_t r = 0; r < row_sums.size(); ++r) {
    double row = 0;
    for (std::size_t s = r * static_cast<std::size_t>(steps); s < (r + 1) * static_cast<std::size_t>(steps);
         ++s)
      row += losses[s];
    row_sums[r] = static_cast<float>(row);
    total += row;
  }
  return {rated > 0 ? total / static_cast<double>(rated) : 0.0, row_sums, rated};
}

}  // namespace aerec
