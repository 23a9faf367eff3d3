#include "aerec/nn/layer.h"

#include <cmath>

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

initial_values draw_initial_values(init_scheme scheme, float fan_in, float fan_out, std::size_t weights,
                                   std::size_t biases, rng& random) {
  const float weight_bound =
      scheme == init_scheme::pytorch ? 1.0f / std::sqrt(fan_in) : std::sqrt(6.0f / (fan_in + fan_out));
  const float bias_bound = scheme == init_scheme::pytorch ? 1.0f / std::sqrt(fan_in) : 0.0f;
  initial_values v{std::vector<float>(weights), std::vector<float>(biases)};
  for (float& w : v.weights) w = random.uniform(-weight_bound, weight_bound);
  for (float& b : v.biases) b = bias_bound == 0 ? 0.0f : random.uniform(-bias_bound, bias_bound);
  return v;
}

void layer::set_own_penalty(float weight) {
  if (weight != 0)
    throw error(error_code::invalid_argument,
                "a " + spec().kind + " layer has no penalty on its own parameters");
}

}  // namespace aerec
