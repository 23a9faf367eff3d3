#pragma once
// An image autoencoder's training run, whole: the images loaded (Fashion-MNIST
// or a folder of IDX files, data/image_set.h) with an optional validation
// part, the network made from the configuration (a convolutional stack, or
// dense layers), the epochs with the validation loss and early stopping, and
// the test figures. What `aerec train` does for an image preset.
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "aerec/data/image_set.h"
#include "aerec/nn/model.h"
#include "aerec/train/early_stopping.h"
#include "aerec/train/image_trainer.h"
#include "aerec/train/run.h"

namespace aerec {

// The network `config` describes for images of `image`'s shape.
std::vector<layer_spec> image_network(const model_config& config, shape image);

struct image_epoch_event {
  image_epoch_report report;
  std::optional<double> validation;  // the validation part's loss, with one
  bool early_stop = false;
};

// Adds a test part's figures to `out`: test_bce, test_mse, test_psnr, and with
// noise test_psnr_noisy and test_psnr_denoised.
void add_image_figures(nlohmann::ordered_json& out, const image_figures& test);

class image_run {
 public:
  // Checks the outputs, loads the data (spec.data.data names it; spec.val
  // carves a validation part out of the training images, spec.images keeps
  // the first images of each part) and makes the network. Throws
  // invalid_argument for a configuration that does not train images, or a
  // spec an image run cannot honour (a split, checkpoints).
  image_run(run_spec spec, const train_config& config, const backend_factory& device,
            collective& together = one_process());

  // Trains the configured epochs, or until early stopping ends the run.
  void run_epochs(const std::function<void(const image_epoch_event&)>& on_epoch = {});

  struct result {
    nlohmann::ordered_json metrics;  // figures, configuration, history: what aerec train writes
    image_figures test;
  };
  // The best epoch's parameters back (with validation), then the test figures.
  result finish();

  const run_spec& spec() const { return spec_; }
  const train_config& config() const { return config_; }
  const image_data& data() const { return data_; }
  int validation_images() const { return validation_.count; }
  model& trained() { return *model_; }
  int epochs_done() const { return trainer_->epochs_done(); }
  const early_stopping& stopping() const { return stopping_; }

 private:
  run_spec spec_;
  train_config config_;
  image_data data_;
  image_set validation_;
  std::unique_ptr<backend> device_;
  std::unique_ptr<model> model_;
  std::unique_ptr<image_trainer> trainer_;
  early_stopping stopping_;
  nlohmann::ordered_json history_ = nlohmann::ordered_json::array();
};

}  // namespace aerec
