#include "aerec/map/place_user.h"

#include <nlohmann/json.hpp>

#include "aerec/core/error.h"
#include "aerec/map/model_codes.h"

namespace aerec {

parametric_map page_placer(backend& b, std::string_view text, const std::string& source) {
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded())
    throw error(error_code::model_format, source + ": not JSON (a taste map cut short or damaged?)");
  if (!j.is_object() || !j.contains("placer"))
    throw error(error_code::model_format, source + ": not a taste map of `aerec map --web` (no placer)");
  return parametric_map::from_json(b, j["placer"], source);
}

std::optional<std::array<float, 2>> place_user(parametric_map& placer, model& m, const sparse_batch& row) {
  if (m.network_input(row).nnz() == 0) return std::nullopt;
  const std::vector<float> code = row_code(m, row);
  if (code.size() != static_cast<std::size_t>(placer.code_size()))
    throw error(error_code::invalid_argument,
                "the taste map places codes of " + std::to_string(placer.code_size()) +
                    " numbers; the model's have " + std::to_string(code.size()) +
                    ": use the model the map was made from");
  const std::vector<float> place = placer.place(code);
  return std::array{place[0], place[1]};
}

}  // namespace aerec
