#include "aerec/train/optimizer.h"

#include <algorithm>

#include "aerec/backend/ops/optimizer_ops.h"
#include "io/binary_io.h"

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

void optimizer::step(std::span<const parameter_rows> lazy) {
  ++steps_;
  optimizer_ops& o = ops<optimizer_ops>(backend_);
  for (std::size_t i = 0; i < params_.size(); ++i) {
    float* const state[3] = {state_[i][0].data(), state_[i][1].data(), state_[i][2].data()};
    const auto rows =
        std::find_if(lazy.begin(), lazy.end(), [i](const parameter_rows& r) { return r.parameter == i; });
    if (rows == lazy.end())
      o.optimizer_step(config_, steps_, params_[i].size, params_[i].value, params_[i].grad, state);
    else
      o.optimizer_step_rows(config_, steps_, rows->row_length, rows->rows.data(), rows->rows.size(),
                            params_[i].value, params_[i].grad, state);
  }
}

std::string optimizer::save_state() const {
  binary_writer w;
  w.put(static_cast<std::int64_t>(steps_));
  const int states = optimizer_state_count(config_);
  for (std::size_t i = 0; i < params_.size(); ++i)
    for (int k = 0; k < states; ++k) {
      w.put_array(std::span<const float>(state_[i][k].download(params_[i].size)));
    }
  return std::move(w.bytes());
}

void optimizer::load_state(std::string_view bytes, const std::string& source) {
  binary_reader r(bytes, source + ": optimizer state");
  const auto steps = r.get<std::int64_t>();
  const int states = optimizer_state_count(config_);
  std::size_t floats = 0;
  for (const parameter& p : params_) floats += p.size * static_cast<std::size_t>(states);
  if (steps < 0 || r.size() != floats * sizeof(float))
    r.fail("does not fit " + std::string(optimizer_name(config_.kind)) + " on this model");
  steps_ = static_cast<long>(steps);
  for (std::size_t i = 0; i < params_.size(); ++i)
    for (int k = 0; k < states; ++k)
      backend_.to_device(state_[i][k].data(), r.take(params_[i].size * sizeof(float)).data(),
                         params_[i].size * sizeof(float));
}

}  // namespace aerec
