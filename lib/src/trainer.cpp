#include "aerec/trainer.h"

#include <chrono>
#include <cmath>

#include "aerec/error.h"

namespace aerec {

trainer::trainer(autoencoder& model, const train_config& config)
    : model_(model), config_((validate(config), config)),
      optimizer_(model.device(), config.optimizer, model.parameters()),
      loss_(model.device(), config.loss), random_(config.seed ^ 0x5EED5EEDull) {}

void trainer::train_batch(const sparse_batch& batch, epoch_sums& sums) {
  backend& b = model_.device();
  input_.assign(b, batch);
  const sparse_view x = input_.view();
  const const_matrix_view output = model_.forward(x);
  d_output_.reserve(b, static_cast<std::size_t>(output.rows) * static_cast<std::size_t>(output.cols));
  const matrix_view grad{d_output_.data(), output.rows, output.cols};
  const loss_value loss = loss_.evaluate(output, x, grad);
  model_.backward(x, grad, config_.accumulate_gradients ? 1.0f : 0.0f);
  optimizer_.step();

  for (int r = 0; r < batch.rows(); ++r) {
    const double squared = loss.row_squared[static_cast<std::size_t>(r)];
    sums.user_rmse += std::sqrt(squared / (batch.offsets[r + 1] - batch.offsets[r]));
    sums.squared += squared;
  }
  sums.rated += loss.rated;
}

epoch_report trainer::run_epoch(const ratings& train) {
  AEREC_ASSERT(train.cols() == model_.items());
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::int32_t> rows;
  for (std::int32_t r = 0; r < train.rows(); ++r)
    if (train.row_size(r) > 0) rows.push_back(r);
  if (config_.shuffle) random_.shuffle(std::span(rows));

  epoch_sums sums;
  const auto batch = static_cast<std::size_t>(config_.batch_size);
  for (std::size_t first = 0; first < rows.size(); first += batch) {
    const std::size_t count = std::min(batch, rows.size() - first);
    train_batch(gather_rows(train, std::span(rows).subspan(first, count)), sums);
  }
  const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start);
  return {++epochs_done_,
          sums.rated > 0 ? std::sqrt(sums.squared / static_cast<double>(sums.rated)) : 0.0,
          rows.empty() ? 0.0 : sums.user_rmse / static_cast<double>(rows.size()),
          seconds.count()};
}

}  // namespace aerec
