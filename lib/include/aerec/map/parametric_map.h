#pragma once
// A small network that puts a code where the taste map has it (parametric
// t-SNE's use): a new user is placed from their code without recomputing the
// map. Codes are standardised, pass dense tanh layers, and a linear layer
// gives the 2-D place. The layers are aerec's own (the layer registry's
// dense kind), trained by map/fit_parametric_map.h; the wasm module places the
// visitor with this class.
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <span>
#include <string>
#include <vector>

#include "aerec/backend/backend.h"
#include "aerec/nn/layer.h"

namespace aerec {

class parametric_map {
 public:
  // code_size -> hidden... (tanh) -> 2 (identity), parameters at zero, the
  // standardisation the identity.
  parametric_map(backend& b, int code_size, std::span<const int> hidden);

  int code_size() const { return code_size_; }
  // Places N codes (N x code_size, row-major): N x 2. Throws
  // error_code::invalid_argument for a length that is not a whole number of
  // codes, or a value that is not a number.
  std::vector<float> place(std::span<const float> codes);

  // Per-dimension mean and scale of the codes (inputs become (c - mean) /
  // scale), and the scale of the map (outputs are multiplied by it).
  void set_standardisation(std::vector<float> mean, std::vector<float> scale, float map_scale);
  std::vector<layer*> layers();
  // The network on the standardised codes (N x code_size, on the backend),
  // and dL/d(places) of that forward back through it into the layers'
  // gradients (overwritten), for training.
  const_matrix_view forward(const_matrix_view standardised);
  void backward(const_matrix_view d_places);
  std::vector<float> standardise(std::span<const float> codes) const;
  float map_scale() const { return map_scale_; }

  // As JSON (the page's map file carries it): layer kinds, shapes,
  // activations and weights. from_json throws error_code::model_format,
  // naming `source`, for anything that is not such a map.
  nlohmann::json to_json();
  static parametric_map from_json(backend& b, const nlohmann::json& j, const std::string& source);

 private:
  backend* backend_;
  int code_size_;
  std::vector<std::unique_ptr<layer>> layers_;
  std::vector<const_matrix_view> inputs_;  // each layer's input at the last forward
  std::vector<float> mean_, scale_;
  float map_scale_ = 1;
};

}  // namespace aerec
