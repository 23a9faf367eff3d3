#pragma once
// Per-epoch progress on stderr: a bar redrawn in place on a terminal, one
// plain line per epoch otherwise (logs, CI).
#include "aerec/trainer.h"

namespace aerec::cli {

class progress {
 public:
  explicit progress(int epochs);
  void update(const epoch_report& report);
  void finish();

 private:
  int epochs_;
  bool terminal_;
  double elapsed_ = 0;
};

}  // namespace aerec::cli
