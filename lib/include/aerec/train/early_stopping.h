#pragma once
// Early stopping on a validation figure: keeps the parameters of the best
// epoch so far and says when `patience` epochs have passed without a better one.
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "aerec/nn/autoencoder.h"

namespace aerec {

// Which way a validation figure improves: an error (RMSE) goes down, a
// ranking figure (NDCG) up.
enum class improves { down, up };

class early_stopping {
 public:
  // patience 0 never stops training, but still keeps the best parameters.
  explicit early_stopping(int patience, improves direction = improves::down);

  // Records an epoch's validation figure, copying the parameters when it is
  // the best so far. Returns true when training should stop.
  bool record(int epoch, double figure, autoencoder& net);
  // Whether `patience` epochs have passed without a better figure: a run
  // resumed from then on trains no further.
  bool stopped() const { return patience_ > 0 && since_best_ >= patience_; }
  // Puts the best parameters back into `net` (nothing when none was recorded).
  void restore_best(autoencoder& net) const;

  int best_epoch() const { return best_epoch_; }  // 0 before the first record
  // The best figure so far; before the first record, the worst there is (+-infinity).
  double best_figure() const { return direction_ == improves::down ? best_ : -best_; }

  std::string save_state() const;
  // Throws error_code::model_format, naming `source`, for a state that does
  // not fit.
  void load_state(std::string_view bytes, const std::string& source);

 private:
  int patience_;
  improves direction_;
  int best_epoch_ = 0;
  int since_best_ = 0;
  // The best figure as an error, lower better (a figure that improves up,
  // negated): as saved states have always held it.
  double best_ = std::numeric_limits<double>::infinity();
  std::vector<float> best_parameters_;  // every parameter, in order
};

}  // namespace aerec
