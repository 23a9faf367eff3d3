#pragma once
// A training configuration as JSON whose keys are `aerec train`'s flag names
// ("lr", "weight-decay", "layers", ...): the form stored in model files and
// checkpoints, and accepted by --config.
#include "aerec/train/train_config.h"
#include "output.h"

namespace aerec::cli {

// --optimizer's names: torch.optim's, and lbfgs (full-batch L-BFGS, train_config::lbfgs).
std::string optimizer_choice(const train_config& config);
// Starts the optimizer settings afresh for `name`: PyTorch's defaults, or for
// lbfgs GLocal-K's (5 iterations an epoch, history 10, strong Wolfe line
// search, lr 1) with no weight decay, and gradients that do not accumulate. Throws error_code::invalid_argument
// listing the names for an unknown one.
void choose_optimizer(train_config& config, const std::string& name);
// L-BFGS's line search: strong_wolfe or none (a fixed step).
const char* line_search_name(bool strong_wolfe);
bool parse_line_search(const std::string& name);  // true for strong_wolfe

json to_json(const train_config& config);
// Throws error_code::invalid_argument naming `source` for a missing key or a
// wrong value.
train_config train_config_from_json(const json& j, const std::string& source);

}  // namespace aerec::cli
