#include "aerec/train/sequence_trainer.h"

#include <algorithm>
#include <array>
#include <chrono>

#include "aerec/core/error.h"

namespace aerec {

std::vector<history_window> windows_of(const user_histories& h) {
  std::vector<history_window> all;
  for (std::size_t u = 0; u < h.columns.size(); ++u)
    for (std::size_t at = 1; at < h.columns[u].size(); ++at)
      all.push_back({static_cast<std::int32_t>(u), static_cast<std::int32_t>(at)});
  return all;
}

sequence_trainer::sequence_trainer(autoencoder& network, const train_config& config, collective& together)
    : network_(network),
      config_(config),
      together_(together),
      shape_(sequence_shape_of(network.specs())),
      optimizer_(network.device(), config.optimizer, network.parameters()),
      loss_(network.device()),
      random_(config.seed),
      dropout_(config.dropout) {}

void sequence_trainer::load_batch(const user_histories& h, std::span<const history_window> windows) {
  const auto width = static_cast<std::size_t>(shape_.input_width());
  const auto steps = static_cast<std::size_t>(shape_.steps);
  input_host_.resize(windows.size() * width);
  targets_host_.assign(windows.size() * steps, -1);
  for (std::size_t r = 0; r < windows.size(); ++r) {
    const std::span<const std::int32_t> movies = h.columns[static_cast<std::size_t>(windows[r].user)];
    const std::span<const float> values = h.ratings[static_cast<std::size_t>(windows[r].user)];
    const auto at = static_cast<std::size_t>(windows[r].at);
    write_sequence_row(shape_, movies.first(at),
                       shape_.with_rating ? values.first(at) : std::span<const float>(),
                       std::span(input_host_).subspan(r * width, width));
    write_fed_targets(shape_, movies.subspan(at),
                      shape_.with_rating ? values.subspan(at) : std::span<const float>(),
                      std::span(input_host_).subspan(r * width, width));
    for (std::size_t s = 0; s < steps && at + s < movies.size(); ++s)
      targets_host_[r * steps + s] = movies[at + s];
  }
  backend& b = network_.device();
  input_.reserve(b, input_host_.size());
  input_.upload(input_host_);
  targets_.reserve(b, targets_host_.size());
  targets_.upload(targets_host_);
}

sequence_trainer::batch_loss sequence_trainer::train_batch(int rows) {
  // Every process loaded the whole batch and draws its whole dropout mask; it trains on its share's rows.
  const batch_share share = together_.share_of(rows);
  const auto width = static_cast<std::size_t>(shape_.input_width());
  const auto steps = static_cast<std::size_t>(shape_.steps);
  const const_matrix_view input(input_.data() + static_cast<std::size_t>(share.begin) * width, share.rows(),
                                shape_.input_width());
  const int cols = shape_.steps * shape_.vocabulary;
  const auto n = static_cast<std::size_t>(share.rows()) * static_cast<std::size_t>(cols);
  backend& b = network_.device();
  const sparse_view* mask = dropout_.draw(network_, random_, share);
  std::array<double, 2> sums{0, 0};  // summed cross-entropy, targeted steps
  if (share.rows() > 0) {
    output_grad_.reserve(b, n);
    const loss_value loss =
        loss_.evaluate(network_.forward(input, mask), shape_.vocabulary,
                       targets_.data() + static_cast<std::size_t>(share.begin) * steps, output_grad_.data());
    // The loss is a mean over the share's targeted steps; the batch's mean over all of them.
    const auto targeted =
        std::count_if(targets_host_.begin(), targets_host_.end(), [](std::int32_t t) { return t >= 0; });
    if (share.rows() < rows && targeted > 0)
      b.scal(static_cast<int>(n),
             static_cast<float>(static_cast<double>(loss.rated) / static_cast<double>(targeted)),
             output_grad_.data());
    network_.backward(input, const_matrix_view(output_grad_.data(), share.rows(), cols), 0);
    sums = {loss.loss * static_cast<double>(loss.rated), static_cast<double>(loss.rated)};
  } else {
    network_.zero_gradients();
  }
  together_.sum_gradients(b, network_.parameters());
  together_.sum(sums);
  optimizer_.step();
  return {sums[0], static_cast<std::size_t>(sums[1])};
}

sequence_epoch_report sequence_trainer::run_epoch(const user_histories& train) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<history_window> order = windows_of(train);
  if (config_.shuffle) random_.shuffle(std::span(order));
  double sum = 0;
  std::size_t predicted = 0;
  for (std::size_t at = 0; at < order.size(); at += static_cast<std::size_t>(config_.batch_size)) {
    const std::span<const history_window> batch = std::span(order).subspan(
        at, std::min(order.size() - at, static_cast<std::size_t>(config_.batch_size)));
    load_batch(train, batch);
    const batch_loss loss = train_batch(static_cast<int>(batch.size()));
    sum += loss.sum;
    predicted += loss.targeted;
  }
  ++epochs_done_;
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  return {epochs_done_, predicted == 0 ? 0 : sum / static_cast<double>(predicted), took.count()};
}

}  // namespace aerec
