// The registration of every layer kind: a new kind adds its line here.
#include <algorithm>

#include "aerec/core/error.h"
#include "aerec/nn/layer_registry.h"
#include "nn/layers/conv_layer.h"
#include "nn/layers/dense_layer.h"
#include "nn/layers/embedding_layer.h"
#include "nn/layers/local_kernel_layer.h"
#include "nn/layers/lstm_feed_layer.h"
#include "nn/layers/lstm_layer.h"
#include "nn/layers/max_pool2d_layer.h"
#include "nn/layers/repeat_layer.h"
#include "nn/layers/step_dense_layer.h"
#include "nn/layers/upsample2d_layer.h"

namespace aerec {

const std::vector<const layer_kind_info*>& layer_kinds() {
  static const std::vector<const layer_kind_info*> all = {
      &dense_layer_kind,      &local_kernel_layer_kind, &conv2d_layer_kind,    &conv_transpose2d_layer_kind,
      &max_pool2d_layer_kind, &upsample2d_layer_kind,   &lstm_layer_kind,      &repeat_layer_kind,
      &step_dense_layer_kind, &embedding_layer_kind,    &lstm_feed_layer_kind,
  };
  return all;
}

const layer_kind_info& layer_kind(std::string_view name) {
  std::string known;
  for (const layer_kind_info* k : layer_kinds()) {
    if (k->name == name) return *k;
    known += (known.empty() ? "" : ", ") + std::string(k->name);
  }
  throw error(error_code::invalid_argument,
              "unknown layer kind '" + std::string(name) + "' (known: " + known + ")");
}

namespace {

// The attributes' problem: one the kind does not declare, or a declared one
// missing or out of its range.
std::string attribute_problem(const layer_kind_info& kind, const layer_spec& spec) {
  for (const auto& [name, value] : spec.attributes) {
    const std::string_view wanted = name;  // a structured binding cannot be captured (C++20 before P1091)
    const auto declared = std::find_if(kind.attributes.begin(), kind.attributes.end(),
                                       [&](const layer_attribute& a) { return a.name == wanted; });
    if (declared == kind.attributes.end()) return "a " + spec.kind + " layer has no setting '" + name + "'";
    if (value < declared->min || value > declared->max)
      return "its " + name + " " + std::to_string(value) + " is outside " + std::to_string(declared->min) +
             ".." + std::to_string(declared->max);
  }
  for (const layer_attribute& a : kind.attributes)
    if (!spec.attributes.contains(a.name))
      return "a " + spec.kind + " layer needs its " + std::string(a.name);
  return {};
}

}  // namespace

std::string layer_problem(const layer_spec& spec) {
  const auto& kinds = layer_kinds();
  const auto kind = std::find_if(kinds.begin(), kinds.end(),
                                 [&](const layer_kind_info* k) { return k->name == spec.kind; });
  if (kind == kinds.end()) return "unknown layer kind '" + spec.kind + "'";
  if (spec.inputs() <= 0 || spec.outputs() <= 0) return "its widths must be positive";
  if (std::string problem = attribute_problem(**kind, spec); !problem.empty()) return problem;
  return (*kind)->problem(spec);
}

std::size_t parameter_floats(const layer_spec& spec) {
  std::size_t n = 0;
  for (const parameter_shape& p : layer_kind(spec.kind).parameters(spec)) n += p.rows * p.cols;
  return n;
}

std::unique_ptr<layer> make_layer(backend& b, const layer_spec& spec, weight_layout layout) {
  if (const std::string problem = layer_problem(spec); !problem.empty())
    throw error(error_code::invalid_argument, "layer " + spec.kind + ": " + problem);
  const layer_kind_info& kind = layer_kind(spec.kind);
  std::unique_ptr<layer> made = kind.make(b, spec, layout);
  // Model files read and write parameters by the registry's layout: the layer must follow it.
  const std::vector<parameter> params = made->parameters();
  const std::vector<parameter_shape> declared = kind.parameters(spec);
  AEREC_ASSERT(params.size() == declared.size());
  for (std::size_t i = 0; i < params.size(); ++i)
    AEREC_ASSERT(params[i].name == declared[i].name && params[i].size == declared[i].rows * declared[i].cols);
  return made;
}

}  // namespace aerec
