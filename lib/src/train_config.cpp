#include "aerec/train_config.h"

#include <cmath>

#include "aerec/error.h"
#include "names.h"

namespace aerec {

namespace {

train_config seed_preset() {
  train_config c;
  c.optimizer = default_optimizer_config(optimizer_kind::rmsprop);  // lr 0.01
  c.optimizer.weight_decay = 0.5;
  c.accumulate_gradients = true;
  c.loss = loss_normalization::all_entries;
  return c;
}

train_config seed_fixed_preset() {
  train_config c;
  // Chosen on a random 10% validation slice of u1.base (never on u1.test):
  // Adam at lr 1e-3 with L2 1e-4, 16 users a step, 300 epochs.
  c.optimizer = default_optimizer_config(optimizer_kind::adam);
  c.optimizer.weight_decay = 1e-4;
  c.loss = loss_normalization::rated_entries;
  c.batch_size = 16;
  c.shuffle = true;
  c.epochs = 300;
  return c;
}

}  // namespace

const std::vector<preset_info>& presets() {
  static const std::vector<preset_info> all = {
      {"seed",
       "the seed's stacked autoencoder as published: items-20-10-20-items, sigmoid, "
       "RMSprop(lr 0.01, weight decay 0.5), 200 epochs, one user per step, gradients never zeroed",
       seed_preset},
      {"seed-fixed",
       "the same architecture trained the ordinary way: gradients zeroed every step, "
       "Adam(lr 1e-3, weight decay 1e-4), loss averaged over rated entries, 16 users a step, "
       "shuffled, 300 epochs",
       seed_fixed_preset},
  };
  return all;
}

train_config preset(const std::string& name) {
  return find_by_name("preset", name, presets(), [](const preset_info& p) { return p.name; })
      .make();
}

void validate(const train_config& c) {
  auto require = [](bool ok, const std::string& what) {
    if (!ok) throw error(error_code::invalid_argument, what);
  };
  require(c.epochs >= 0, "epochs must be >= 0");
  require(c.batch_size >= 1, "batch size must be >= 1");
  require(c.threads >= 1, "threads must be >= 1");
  require(c.dropout >= 0 && c.dropout < 1, "dropout must be in [0, 1)");
  require(c.input_dropout >= 0 && c.input_dropout < 1, "input dropout must be in [0, 1)");
  require(c.input_noise >= 0 && std::isfinite(c.input_noise), "input noise must be a finite number >= 0");
  for (const int w : c.model.hidden) require(w > 0, "layer widths must be positive");
  validate(c.penalties, c.model.hidden, c.model.hidden_act);
  validate(c.optimizer);
}

}  // namespace aerec
