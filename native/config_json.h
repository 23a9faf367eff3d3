#pragma once
// A training configuration as JSON whose keys are `aerec train`'s flag names
// ("lr", "weight-decay", "layers", ...): the form stored in model files and
// checkpoints, and accepted by --config.
#include "aerec/train/train_config.h"
#include "output.h"

namespace aerec::cli {

json to_json(const train_config& config);
// Throws error_code::invalid_argument naming `source` for a missing key or a
// wrong value.
train_config train_config_from_json(const json& j, const std::string& source);

}  // namespace aerec::cli
