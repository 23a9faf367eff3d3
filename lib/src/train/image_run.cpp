#include "aerec/train/image_run.h"

#include "aerec/core/error.h"
#include "aerec/nn/image_layers.h"
#include "aerec/train/options.h"

namespace aerec {

namespace {

void check_image_spec(const run_spec& spec, const train_config& config) {
  const auto refuse = [](bool bad, const std::string& why) {
    if (bad) throw error(error_code::invalid_argument, why);
  };
  refuse(!trains_on_images(config),
         "image data trains an image preset (conv, conv-denoise, dense-image), or --conv, or "
         "--objective cross-entropy");
  refuse(spec.split != run_spec{}.split,
         "image data comes in its own train and test parts: --split does not apply");
  refuse(spec.checkpoint_every != 0, "image runs do not checkpoint yet: --checkpoint-every does not apply");
  refuse(spec.images < 0, "--images must be 0 (all) or more");
  refuse(!(spec.val >= 0 && spec.val < 1), "--val must be in [0, 1)");
  refuse(spec.patience < 0 || (spec.patience > 0 && spec.val == 0), "--patience needs --val");
}

image_set first_of(const image_set& set, int images) { return images > 0 ? first_images(set, images) : set; }

std::string loss_key(const train_config& config, const char* part) {
  return std::string(part) + "_" + pixel_loss_name(pixel_loss_of(config));
}

}  // namespace

std::vector<layer_spec> image_network(const model_config& c, shape image) {
  return c.conv.empty() ? dense_image_layers(image, c.hidden, c.hidden_act, c.output_act)
                        : conv_layers(image, c.conv, c.hidden_act, c.output_act);
}

image_run::image_run(run_spec spec, const train_config& config, const backend_factory& device,
                     collective& together)
    : spec_(std::move(spec)), config_(config), stopping_(spec_.patience, improves::down) {
  validate(config_);
  check_image_spec(spec_, config_);
  check_outputs(spec_, {}, together);
  data_ = load_image_data(spec_.data.data);
  data_.train = first_of(data_.train, spec_.images);
  data_.test = first_of(data_.test, spec_.images);
  if (spec_.val > 0)
    std::tie(data_.train, validation_) = split_validation(data_.train, spec_.val, config_.seed);
  device_ = device(config_);
  const shape image = shape::image(data_.train.channels, data_.train.height, data_.train.width);
  auto net = std::make_unique<autoencoder>(*device_, image_network(config_.model, image));
  rng init_random(config_.seed);
  net->initialize(config_.model.init, init_random);
  model_ =
      std::make_unique<model>(std::move(net), pixel_ids(image.size()), rating_scale{0, 1}, image_meaning());
  trainer_ = std::make_unique<image_trainer>(model_->network(), config_, together);
}

void image_run::run_epochs(const std::function<void(const image_epoch_event&)>& on_epoch) {
  while (trainer_->epochs_done() < config_.epochs) {
    image_epoch_event event{trainer_->run_epoch(data_.train), std::nullopt, false};
    nlohmann::ordered_json entry = {{"epoch", event.report.epoch},
                                    {loss_key(config_, "train"), event.report.train_loss},
                                    {"seconds", event.report.seconds}};
    if (validation_.count > 0) {
      const image_figures v = trainer_->evaluate(validation_);
      event.validation = config_.goal == objective::cross_entropy ? v.bce : v.mse;
      entry[loss_key(config_, "validation")] = *event.validation;
      event.early_stop = stopping_.record(event.report.epoch, *event.validation, model_->network());
    }
    history_.push_back(entry);
    if (on_epoch) on_epoch(event);
    if (event.early_stop) return;
  }
}

image_run::result image_run::finish() {
  autoencoder& net = model_->network();
  result r;
  nlohmann::ordered_json& metrics = r.metrics;
  metrics = {{"preset", spec_.preset},
             {"data", data_.name},
             {"train_images", data_.train.count},
             {"validation_images", validation_.count},
             {"test_images", data_.test.count}};
  if (validation_.count > 0) {
    stopping_.restore_best(net);
    metrics["best_epoch"] = stopping_.best_epoch();
    metrics[loss_key(config_, "validation")] = stopping_.best_figure();
  }
  r.test = trainer_->evaluate(data_.test);
  add_image_figures(metrics, r.test);
  finish_metrics(metrics, history_, trainer_->epochs_done(), *model_, *device_, config_);
  return r;
}

void add_image_figures(nlohmann::ordered_json& out, const image_figures& test) {
  out["test_bce"] = test.bce;
  out["test_mse"] = test.mse;
  out["test_psnr"] = test.psnr;
  if (test.psnr_noisy) {
    out["test_psnr_noisy"] = *test.psnr_noisy;
    out["test_psnr_denoised"] = test.psnr;
  }
}

}  // namespace aerec
