#pragma once
// A user on a taste map: the placer of the page file `aerec map --web` writes,
// applied to a model's code of the user's ratings (map/model_codes.h). What
// the demo page does for its visitor and `aerec place` does from the CLI.
#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "aerec/backend/backend.h"
#include "aerec/data/sparse_batch.h"
#include "aerec/map/parametric_map.h"
#include "aerec/nn/model.h"

namespace aerec {

// The placer in a page file's text. Throws error_code::model_format, naming
// `source`, for text that is not such a file.
parametric_map page_placer(backend& b, std::string_view text, const std::string& source);

// Where the user whose ratings `row` holds (one row, as model::to_batch makes
// it) sits on the map; nullopt when `m` sees none of the ratings (a ranking
// model takes only liked ones). Throws error_code::invalid_argument when the
// map was made from a model whose codes have another size.
std::optional<std::array<float, 2>> place_user(parametric_map& placer, model& m, const sparse_batch& row);

}  // namespace aerec
