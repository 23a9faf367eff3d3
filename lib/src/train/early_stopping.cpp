#include "aerec/train/early_stopping.h"

#include <algorithm>

#include "io/binary_io.h"

namespace aerec {

early_stopping::early_stopping(int patience, improves direction)
    : patience_(patience), direction_(direction) {
  if (patience < 0) throw error(error_code::invalid_argument, "patience must be 0 or more epochs");
}

bool early_stopping::record(int epoch, double figure, autoencoder& net) {
  const double error = direction_ == improves::down ? figure : -figure;
  if (error < best_) {
    best_ = error;
    best_epoch_ = epoch;
    since_best_ = 0;
    best_parameters_.clear();
    for (const parameter& p : net.parameters()) {
      const std::size_t at = best_parameters_.size();
      best_parameters_.resize(at + p.size);
      net.device().to_host(best_parameters_.data() + at, p.value, p.size * sizeof(float));
    }
    return false;
  }
  if (patience_ == 0) return false;
  ++since_best_;
  return stopped();
}

void early_stopping::restore_best(autoencoder& net) const {
  if (best_parameters_.empty()) return;
  // A loaded state cannot be checked against the model until here.
  if (best_parameters_.size() != net.parameter_count())
    throw error(error_code::model_format,
                "early-stopping state: holds " + std::to_string(best_parameters_.size()) +
                    " parameters, the model has " + std::to_string(net.parameter_count()));
  std::size_t at = 0;
  for (const parameter& p : net.parameters()) {
    net.device().to_device(p.value, best_parameters_.data() + at, p.size * sizeof(float));
    at += p.size;
  }
}

std::string early_stopping::save_state() const {
  binary_writer w;
  w.put(static_cast<std::int32_t>(best_epoch_));
  w.put(static_cast<std::int32_t>(since_best_));
  w.put(best_);
  w.put_array(std::span<const float>(best_parameters_));
  return std::move(w.bytes());
}

void early_stopping::load_state(std::string_view bytes, const std::string& source) {
  binary_reader r(bytes, source + ": early-stopping state");
  const auto best_epoch = r.get<std::int32_t>();
  const auto since_best = r.get<std::int32_t>();
  const auto best = r.get<double>();
  if (r.size() % sizeof(float) != 0) r.fail("damaged");
  best_parameters_ = r.get_array<float>(r.size() / sizeof(float));
  best_epoch_ = best_epoch;
  since_best_ = since_best;
  best_ = best;
}

}  // namespace aerec
