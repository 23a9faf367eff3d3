#pragma once
// Commands that give a model a user's ratings by movie id and read back
// ratings (predict, recommend, export) take only a user-based rating model:
// an item-based model's columns are users, and a ranking model's outputs are
// scores, not ratings (the model file says which it is: model::meaning()).
#include <string>

#include "aerec/nn/model.h"

namespace aerec::cli {

// Throws error_code::invalid_argument when `m` (read from `path`) is not a
// user-based rating model: `command` cannot use such a model.
void refuse_unless_rating_model(const model& m, const std::string& path, const std::string& command);

}  // namespace aerec::cli
