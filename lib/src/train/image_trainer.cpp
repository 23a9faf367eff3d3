#include "aerec/train/image_trainer.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <numeric>

#include "aerec/core/error.h"
#include "aerec/eval/psnr.h"

namespace aerec {

namespace {

// The figures' noise comes from its own stream, so that they do not depend on
// how far training has drawn from the training stream.
constexpr std::uint64_t evaluation_stream = 0x5eed'1ca9e;

}  // namespace

pixel_loss_kind pixel_loss_of(const train_config& config) {
  return config.goal == objective::cross_entropy ? pixel_loss_kind::bce : pixel_loss_kind::mse;
}

std::vector<image_noise> image_noises_of(const train_config& config) {
  std::vector<image_noise> noises;
  if (config.input_dropout > 0) noises.push_back({image_noise_kind::masking, config.input_dropout});
  if (config.input_noise > 0) noises.push_back({image_noise_kind::gaussian, config.input_noise});
  if (config.salt_pepper > 0) noises.push_back({image_noise_kind::salt_pepper, config.salt_pepper});
  return noises;
}

void add_noises(std::span<float> pixels, std::span<const image_noise> noises, rng& random) {
  for (const image_noise& n : noises) add_noise(pixels, n, random);
}

image_trainer::image_trainer(autoencoder& model, const train_config& config, collective& together)
    : model_(model),
      config_(config),
      together_(together),
      optimizer_(model.device(), config.optimizer, model.parameters()),
      loss_(model.device(), pixel_loss_of(config)),
      noises_(image_noises_of(config)),
      random_(config.seed) {}

void image_trainer::load_batch(const image_set& set, std::span<const int> rows, rng& noise) {
  const auto pixels = static_cast<std::size_t>(set.pixels_per_image());
  AEREC_ASSERT(static_cast<int>(pixels) == model_.items());
  const std::size_t n = rows.size() * pixels;
  clean_host_.resize(n);
  for (std::size_t r = 0; r < rows.size(); ++r)
    std::ranges::copy(set.image(rows[r]), clean_host_.begin() + static_cast<std::ptrdiff_t>(r * pixels));
  backend& b = model_.device();
  clean_.reserve(b, n);
  clean_.upload(clean_host_);
  if (noises_.empty()) return;
  noisy_host_ = clean_host_;
  add_noises(noisy_host_, noises_, noise);
  noisy_.reserve(b, n);
  noisy_.upload(noisy_host_);
}

double image_trainer::train_batch(int rows) {
  // Every process loaded the whole batch (and its noise); it trains on its share's rows.
  const batch_share share = together_.share_of(rows);
  const int cols = model_.items();
  const std::size_t first = static_cast<std::size_t>(share.begin) * static_cast<std::size_t>(cols);
  const std::size_t n = static_cast<std::size_t>(share.rows()) * static_cast<std::size_t>(cols);
  const const_matrix_view input((noises_.empty() ? clean_.data() : noisy_.data()) + first, share.rows(),
                                cols);
  const const_matrix_view target(clean_.data() + first, share.rows(), cols);
  backend& b = model_.device();
  std::array<double, 1> loss_sum{0};
  if (share.rows() > 0) {
    output_grad_.reserve(b, n);
    const loss_value loss = loss_.evaluate(model_.forward(input), target, output_grad_.data());
    // The loss is a mean over the share's pixels; the batch's mean takes the share's fraction of it.
    if (share.rows() < rows)
      b.scal(static_cast<int>(n), static_cast<float>(share.fraction()), output_grad_.data());
    model_.backward(input, const_matrix_view(output_grad_.data(), share.rows(), cols), 0);
    loss_sum[0] = loss.loss * share.rows();
  } else {
    model_.zero_gradients();
  }
  together_.sum_gradients(b, model_.parameters());
  together_.sum(loss_sum);
  optimizer_.step();
  return loss_sum[0];
}

image_epoch_report image_trainer::run_epoch(const image_set& train) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<int> order(static_cast<std::size_t>(train.count));
  std::iota(order.begin(), order.end(), 0);
  if (config_.shuffle) random_.shuffle(std::span(order));
  double sum = 0;
  for (std::size_t at = 0; at < order.size(); at += static_cast<std::size_t>(config_.batch_size)) {
    const std::span<const int> rows = std::span(order).subspan(
        at, std::min(order.size() - at, static_cast<std::size_t>(config_.batch_size)));
    load_batch(train, rows, random_);
    sum += train_batch(static_cast<int>(rows.size()));
  }
  ++epochs_done_;
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  return {epochs_done_, order.empty() ? 0 : sum / static_cast<double>(order.size()), took.count()};
}

image_figures image_trainer::evaluate(const image_set& set) {
  rng noise(config_.seed ^ evaluation_stream);
  pixel_loss bce(model_.device(), pixel_loss_kind::bce), mse(model_.device(), pixel_loss_kind::mse);
  const int cols = model_.items();
  double bce_sum = 0, mse_sum = 0, psnr_sum = 0, noisy_psnr_sum = 0;
  std::vector<int> rows;
  for (int at = 0; at < set.count; at += config_.batch_size) {
    rows.resize(static_cast<std::size_t>(std::min(config_.batch_size, set.count - at)));
    std::iota(rows.begin(), rows.end(), at);
    load_batch(set, rows, noise);
    const int n = static_cast<int>(rows.size());
    const const_matrix_view target(clean_.data(), n, cols);
    const const_matrix_view input = noises_.empty() ? target : const_matrix_view(noisy_.data(), n, cols);
    const const_matrix_view output = model_.forward(input);
    const loss_value b = bce.evaluate(output, target, nullptr), m = mse.evaluate(output, target, nullptr);
    bce_sum += b.loss * n;
    mse_sum += m.loss * n;
    for (const float row : m.row_sums) psnr_sum += psnr_of(row / static_cast<float>(cols));
    if (noises_.empty()) continue;
    for (const float row : mse.evaluate(input, target, nullptr).row_sums)
      noisy_psnr_sum += psnr_of(row / static_cast<float>(cols));
  }
  const double count = std::max(set.count, 1);
  image_figures f{bce_sum / count, mse_sum / count, psnr_sum / count, std::nullopt};
  if (!noises_.empty()) f.psnr_noisy = noisy_psnr_sum / count;
  return f;
}

}  // namespace aerec
