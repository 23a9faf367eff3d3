#pragma once
// Trains an image autoencoder: each step a batch of images, corrupted by the
// configuration's noise for the input and clean for the target, the
// per-pixel loss, and the optimizer's step. Evaluates one too.
#include <span>
#include <vector>

#include "aerec/core/rng.h"
#include "aerec/data/image_noise.h"
#include "aerec/data/image_set.h"
#include "aerec/nn/autoencoder.h"
#include "aerec/nn/pixel_loss.h"
#include "aerec/train/collective.h"
#include "aerec/train/optimizer.h"
#include "aerec/train/train_config.h"

namespace aerec {

// The per-pixel loss that `config` trains with (train_config::goal).
pixel_loss_kind pixel_loss_of(const train_config& config);
// Its noise, in the order it is applied (train_config::salt_pepper says which).
std::vector<image_noise> image_noises_of(const train_config& config);
// Each noise in turn on `pixels`.
void add_noises(std::span<float> pixels, std::span<const image_noise> noises, rng& random);

struct image_epoch_report {
  int epoch;          // 1-based
  double train_loss;  // the mean per-pixel loss over the epoch, each batch's before its update
  double seconds;
};

// Reconstruction figures of a set of images, as a test or validation part.
struct image_figures {
  double bce = 0;   // mean per-pixel binary cross-entropy (PyTorch's BCELoss) of the reconstructions
  double mse = 0;   // mean per-pixel squared error
  double psnr = 0;  // mean over images of 10 log10(1 / the image's MSE), in dB
  // With noise: the PSNR of the noisy inputs themselves, against the clean images.
  std::optional<double> psnr_noisy;
};

class image_trainer {
 public:
  image_trainer(autoencoder& model, const train_config& config, collective& together = one_process());

  image_epoch_report run_epoch(const image_set& train);
  int epochs_done() const { return epochs_done_; }

  // The network's reconstructions of `set` from inputs with the training
  // noise (drawn from a seed of their own, so every call sees the same noisy
  // images), scored against the clean images.
  image_figures evaluate(const image_set& set);

 private:
  // Loads rows `rows` of `set` into the clean target and the noisy input, on the backend.
  void load_batch(const image_set& set, std::span<const int> rows, rng& noise);
  // One step on the loaded batch of `rows` images; returns the batch's summed per-image loss.
  double train_batch(int rows);

  autoencoder& model_;
  train_config config_;
  collective& together_;
  optimizer optimizer_;
  pixel_loss loss_;
  std::vector<image_noise> noises_;
  rng random_;
  std::vector<float> clean_host_, noisy_host_;
  device_array<float> clean_, noisy_, output_grad_;
  int epochs_done_ = 0;
};

}  // namespace aerec
