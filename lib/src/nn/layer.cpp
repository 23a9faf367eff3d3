#include "aerec/nn/layer.h"

#include "aerec/core/error.h"
#include "nn/layers/dense_layer.h"
#include "nn/layers/local_kernel_layer.h"
#include "core/names.h"

namespace aerec {

const char* init_scheme_name(init_scheme s) {
  return s == init_scheme::pytorch ? "pytorch" : "xavier";
}

init_scheme parse_init_scheme(const std::string& name) {
  static const std::vector<init_scheme> all = {init_scheme::pytorch, init_scheme::xavier};
  return find_by_name("initialisation", name, all, init_scheme_name);
}

std::size_t parameter_floats(const layer_spec& spec) {
  const auto in = static_cast<std::size_t>(spec.inputs), out = static_cast<std::size_t>(spec.outputs);
  const std::size_t points = spec.kind == layer_kind::local_kernel ? (in + out) * static_cast<std::size_t>(spec.kernel_dim) : 0;
  return in * out + out + points;
}

void layer::set_kernel_penalty(float weight) {
  if (weight != 0) throw error(error_code::invalid_argument, "a kernel penalty needs kernel layers");
}

std::unique_ptr<layer> make_layer(backend& b, const layer_spec& spec, weight_layout layout) {
  switch (spec.kind) {
    case layer_kind::dense: return std::make_unique<dense_layer>(b, spec, layout);
    case layer_kind::local_kernel: return std::make_unique<local_kernel_layer>(b, spec, layout);
  }
  throw error(error_code::internal, "unknown layer kind");
}

}  // namespace aerec
