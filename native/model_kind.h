#pragma once
// Commands that give a model a user's ratings by movie id (predict, recommend,
// export) take only a user-based model: an item-based model's columns are
// users (the model file says which it is: model::meaning()).
#include <string>

#include "aerec/nn/model.h"

namespace aerec::cli {

// Throws error_code::invalid_argument when `m` (read from `path`) is not a
// user-based model: `command` cannot use such a model.
void refuse_unless_user_model(const model& m, const std::string& path, const std::string& command);

}  // namespace aerec::cli
