#pragma once
// aerec train for sequence presets: the library's sequence run
// (aerec/train/sequence_run.h) with progress, the figures on stdout and the
// outputs written.
#include <string>

#include "aerec/train/run.h"

namespace aerec::cli {

void train_sequences(const run_spec& spec, const train_config& config, const std::string& device);

}  // namespace aerec::cli
