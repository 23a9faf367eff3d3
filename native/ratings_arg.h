#pragma once
// A new user's ratings on the command line (predict, place).
#include <string_view>
#include <vector>

#include "aerec/nn/model.h"

namespace aerec::cli {

// "MOVIEID:RATING,MOVIEID:RATING,..."; an empty string is a user with no
// ratings. Throws error_code::invalid_argument naming the item that is not a pair.
std::vector<item_rating> parse_ratings(std::string_view text);

}  // namespace aerec::cli
