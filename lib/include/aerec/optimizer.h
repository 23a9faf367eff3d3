#pragma once
// Applies optimizer steps to a model's parameters, keeping the optimizer state.
#include <array>
#include <vector>

#include "aerec/device_array.h"
#include "aerec/layer.h"
#include "aerec/optimizer_config.h"

namespace aerec {

class optimizer {
 public:
  optimizer(backend& b, const optimizer_config& config, std::vector<parameter> params);

  // One step for every parameter from its current gradient.
  void step();
  long steps() const { return steps_; }
  const optimizer_config& config() const { return config_; }

 private:
  backend& backend_;
  optimizer_config config_;
  std::vector<parameter> params_;
  std::vector<std::array<device_array<float>, 3>> state_;
  long steps_ = 0;
};

}  // namespace aerec
