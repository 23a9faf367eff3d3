#pragma once
// Early stopping on a validation figure: keeps the parameters of the best
// epoch so far and says when `patience` epochs have passed without a better one.
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "aerec/nn/autoencoder.h"

namespace aerec {

class early_stopping {
 public:
  // patience 0 never stops training, but still keeps the best parameters.
  explicit early_stopping(int patience);

  // Records an epoch's validation RMSE, copying the parameters when it is the
  // best so far. Returns true when training should stop.
  bool record(int epoch, double validation_rmse, autoencoder& net);
  // Puts the best parameters back into `net` (nothing when none was recorded).
  void restore_best(autoencoder& net) const;

  int best_epoch() const { return best_epoch_; }  // 0 before the first record
  double best_rmse() const { return best_; }

  std::string save_state() const;
  // Throws error_code::model_format, naming `source`, for a state that does
  // not fit.
  void load_state(std::string_view bytes, const std::string& source);

 private:
  int patience_;
  int best_epoch_ = 0;
  int since_best_ = 0;
  double best_ = std::numeric_limits<double>::infinity();
  std::vector<float> best_parameters_;  // every parameter, in order
};

}  // namespace aerec
