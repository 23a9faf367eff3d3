#include "aerec/layer.h"

#include "aerec/error.h"
#include "dense_layer.h"
#include "names.h"

namespace aerec {

const char* init_scheme_name(init_scheme s) {
  return s == init_scheme::pytorch ? "pytorch" : "xavier";
}

init_scheme parse_init_scheme(const std::string& name) {
  static const std::vector<init_scheme> all = {init_scheme::pytorch, init_scheme::xavier};
  return find_by_name("initialisation", name, all, init_scheme_name);
}

std::unique_ptr<layer> make_layer(backend& b, const layer_spec& spec, weight_layout layout) {
  switch (spec.kind) {
    case layer_kind::dense: return std::make_unique<dense_layer>(b, spec, layout);
  }
  throw error(error_code::internal, "unknown layer kind");
}

}  // namespace aerec
