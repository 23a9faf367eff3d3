#pragma once
// The layer kinds, one table entry each: everything the model, model files
// and `aerec info` need to know about a kind lives in its entry, so that a
// new kind is its own files (lib/src/nn/layers/), one line in
// lib/src/nn/layers/registry.cpp, its op family and its tests.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "aerec/nn/layer.h"

namespace aerec {

// One of a kind's own settings: an integer field of its record in model files.
struct layer_attribute {
  std::string_view name;
  std::string_view meaning;
  std::int64_t min, max;  // a model file's value outside them is damage
};

// A parameter as model files store it: rows x cols floats, row-major
// (weights as W, inputs x outputs, whatever their layout in memory).
struct parameter_shape {
  std::string name;
  std::size_t rows, cols;
};

struct layer_kind_info {
  std::string_view name;     // in model files and `aerec info`
  std::string_view summary;  // one line, for people
  std::vector<layer_attribute> attributes;
  // Why `spec` (a known kind, attributes present and in range) cannot be a
  // layer of this kind, say for its shapes; empty when it can.
  std::string (*problem)(const layer_spec& spec);
  // Its parameters in model-file order; layer::parameters() follows it.
  std::vector<parameter_shape> (*parameters)(const layer_spec& spec);
  std::unique_ptr<layer> (*make)(backend& b, const layer_spec& spec, weight_layout layout);
  // A few words for `aerec info` beside the layer's width and activation
  // ("local kernel, R^5"); empty for nothing to add.
  std::string (*describe)(const layer_spec& spec);
  // Whether it has a penalty on its own parameters (layer::set_own_penalty).
  bool own_penalty = false;
};

// Every kind, in registration order.
const std::vector<const layer_kind_info*>& layer_kinds();
// The kind `name`; throws error_code::invalid_argument listing the known kinds.
const layer_kind_info& layer_kind(std::string_view name);

// Why `spec` cannot be a layer (an unknown kind, a missing, unknown or
// out-of-range attribute, an empty shape, or the kind's own objection);
// empty when it can.
std::string layer_problem(const layer_spec& spec);
// How many floats a layer of this spec trains.
std::size_t parameter_floats(const layer_spec& spec);
// Throws error_code::invalid_argument for a spec with a problem.
std::unique_ptr<layer> make_layer(backend& b, const layer_spec& spec,
                                  weight_layout layout = weight_layout::by_input);

}  // namespace aerec
