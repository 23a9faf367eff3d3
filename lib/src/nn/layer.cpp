#include "aerec/nn/layer.h"

#include "aerec/core/error.h"
#include "core/names.h"

namespace aerec {

std::int64_t layer_spec::attribute(std::string_view name) const {
  const auto it = attributes.find(name);
  AEREC_ASSERT(it != attributes.end());
  return it->second;
}

const char* init_scheme_name(init_scheme s) { return s == init_scheme::pytorch ? "pytorch" : "xavier"; }

init_scheme parse_init_scheme(const std::string& name) {
  static const std::vector<init_scheme> all = {init_scheme::pytorch, init_scheme::xavier};
  return find_by_name("initialisation", name, all, init_scheme_name);
}

void layer::set_own_penalty(float weight) {
  if (weight != 0)
    throw error(error_code::invalid_argument,
                "a " + spec().kind + " layer has no penalty on its own parameters");
}

}  // namespace aerec
