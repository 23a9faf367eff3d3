#pragma once
// What a model predicts, from the training configuration in its metadata.
// Item-based models (aerec train --item-based) have users, not movies, as
// their columns; ranking models (--objective multinomial) output scores of
// implicit feedback, not ratings. Commands that give a model a user's
// ratings by movie id and read back ratings take neither.
#include <string>

#include "aerec/nn/model.h"

namespace aerec::cli {

// Whether the configuration in `m`'s metadata says "item-based": true.
bool is_item_based(const model& m);
// Whether it says "objective": "multinomial".
bool is_ranking_model(const model& m);

// Throws error_code::invalid_argument when `m` (read from `path`) is
// item-based or a ranking model: `command` cannot use such a model.
void refuse_unless_rating_model(const model& m, const std::string& path, const std::string& command);

}  // namespace aerec::cli
