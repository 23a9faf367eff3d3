#include "aerec/layer.h"

#include "aerec/error.h"
#include "dense_layer.h"

namespace aerec {

const char* init_scheme_name(init_scheme s) {
  return s == init_scheme::pytorch ? "pytorch" : "xavier";
}

init_scheme parse_init_scheme(const std::string& name) {
  if (name == "pytorch") return init_scheme::pytorch;
  if (name == "xavier") return init_scheme::xavier;
  throw error(error_code::invalid_argument,
              "unknown initialisation '" + name + "' (known: pytorch, xavier)");
}

std::unique_ptr<layer> make_layer(backend& b, const layer_spec& spec) {
  switch (spec.kind) {
    case layer_kind::dense: return std::make_unique<dense_layer>(b, spec);
  }
  throw error(error_code::internal, "unknown layer kind");
}

}  // namespace aerec
