#pragma once
// Per-epoch progress on stderr: a bar redrawn in place on a terminal, one
// plain line per epoch otherwise (logs, CI).
#include <optional>

#include "aerec/train/trainer.h"

namespace aerec::cli {

class progress {
 public:
  // Quiet: shows nothing.
  explicit progress(int epochs, bool quiet = false);
  // `validation`: the epoch's validation figure, when there is a validation slice.
  void update(const epoch_report& report, std::optional<double> validation = std::nullopt);
  // An image or sequence run's epoch, its training loss named `loss_name` ("bce").
  void update(int epoch, double seconds, const char* loss_name, double loss,
              std::optional<double> validation);
  void finish();

 private:
  // One epoch's line (`figures` for logs, `loss` on the bar).
  void show(int epoch, double seconds, const char* figures, double loss, std::optional<double> validation);
  int epochs_;
  bool quiet_;
  bool terminal_;
  double elapsed_ = 0;
  int updates_ = 0;  // epochs seen by this process (a resumed run starts later)
};

}  // namespace aerec::cli
