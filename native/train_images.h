#pragma once
// aerec train for image presets: the library's image run (aerec/train/image_run.h)
// with progress, the figures on stdout and the outputs written.
#include <string>

#include "aerec/train/run.h"

namespace aerec::cli {

void train_images(const run_spec& spec, const train_config& config, const std::string& device);

}  // namespace aerec::cli
