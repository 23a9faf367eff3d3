#include "aerec/optimizer.h"

namespace aerec {

optimizer::optimizer(backend& b, const optimizer_config& config, std::vector<parameter> params)
    : backend_(b), config_(config), params_(std::move(params)) {
  validate(config_);
  const int states = optimizer_state_count(config_);
  // PyTorch starts every state at zero except Adagrad's sum.
  const float first =
      config_.kind == optimizer_kind::adagrad ? static_cast<float>(config_.initial_accumulator) : 0.0f;
  for (const parameter& p : params_) {
    std::array<device_array<float>, 3> s;
    for (int k = 0; k < states; ++k) {
      s[k] = device_array<float>(b, p.size);
      b.fill(s[k].data(), p.size, k == 0 ? first : 0.0f);
    }
    state_.push_back(std::move(s));
  }
}

void optimizer::step() {
  ++steps_;
  for (std::size_t i = 0; i < params_.size(); ++i) {
    float* const state[3] = {state_[i][0].data(), state_[i][1].data(), state_[i][2].data()};
    backend_.optimizer_step(config_, steps_, params_[i].size, params_[i].value, params_[i].grad,
                            state);
  }
}

}  // namespace aerec
