#pragma once
// A repeat layer (aerec/nn/layers/repeat.h).
#include "aerec/backend/device_array.h"
#include "aerec/nn/layers/repeat.h"
#include "nn/layers/whole_layer.h"

namespace aerec {

struct layer_kind_info;
extern const layer_kind_info repeat_layer_kind;

class repeat_layer final : public whole_layer {
 public:
  repeat_layer(backend& b, const layer_spec& spec) : whole_layer(b, spec, "sequences") {}

  void initialize(init_scheme, rng&) override {}
  std::vector<parameter> parameters() override { return {}; }
  const_matrix_view forward(const layer_input& x) override;
  // dL/d(input): the sum over steps; there are no parameters for beta to keep.
  const_matrix_view backward(const layer_input& x, const_matrix_view d_output, float beta,
                             bool want_input_grad) override;

 private:
  device_array<float> y_, dx_;  // batch workspaces
  int rows_ = 0;
};

}  // namespace aerec
