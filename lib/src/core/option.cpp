#include "aerec/core/option.h"

namespace aerec {

json option_value_to_json(const option_value& value) {
  return std::visit([](const auto& v) { return json(v); }, value);
}

option_value option_value_from_json(const json& j, const option_value& like) {
  return std::visit([&j](const auto& v) { return option_value(j.get<std::decay_t<decltype(v)>>()); }, like);
}

}  // namespace aerec
