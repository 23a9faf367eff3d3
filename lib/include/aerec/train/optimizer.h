#pragma once
// Applies optimizer steps to a model's parameters, keeping the optimizer state.
#include <array>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "aerec/backend/device_array.h"
#include "aerec/nn/layer.h"
#include "aerec/train/optimizer_config.h"

namespace aerec {

class optimizer {
 public:
  optimizer(backend& b, const optimizer_config& config, std::vector<parameter> params);

  // One step for every parameter from its current gradient; those in `lazy`
  // (lazy updates) at their rows alone.
  void step(std::span<const parameter_rows> lazy = {});
  long steps() const { return steps_; }
  // For a schedule: the learning rate of the steps from now on.
  void set_learning_rate(double lr) { config_.lr = lr; }

  // Everything step() depends on besides the parameters: the step count and
  // the state arrays. load_state throws error_code::model_format, naming
  // `source`, for bytes that do not fit this optimizer.
  std::string save_state() const;
  void load_state(std::string_view bytes, const std::string& source);
  const optimizer_config& config() const { return config_; }

 private:
  backend& backend_;
  optimizer_config config_;
  std::vector<parameter> params_;
  std::vector<std::array<device_array<float>, 3>> state_;
  long steps_ = 0;
};

}  // namespace aerec
