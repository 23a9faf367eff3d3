#pragma once
// The training configuration's options (core/option.h): a row per option of
// train_config, from which `aerec train`'s flags, --config files and the
// configuration stored with metrics, models and checkpoints are made.
#include <string>
#include <vector>

#include "aerec/core/option.h"
#include "aerec/train/train_config.h"

namespace aerec {

// The training configuration's options, in the order of the stored JSON.
const std::vector<option<train_config>>& train_options();

// The training configuration as JSON keyed by `aerec train`'s flag names.
json to_json(const train_config& config);
// Throws error_code::invalid_argument naming `source` for a missing key, a
// wrong value, or a configuration that validate() refuses.
train_config train_config_from_json(const json& j, const std::string& source);

}  // namespace aerec
