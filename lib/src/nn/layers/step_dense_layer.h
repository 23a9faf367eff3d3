#pragma once
// A per-step dense layer (aerec/nn/layers/step_dense.h): a dense layer fed a
// batch of rows x steps examples, which is the same floats (core/shape.h).
#include <memory>

#include "aerec/nn/layers/step_dense.h"
#include "nn/layers/whole_layer.h"

namespace aerec {

struct layer_kind_info;
extern const layer_kind_info step_dense_layer_kind;

class step_dense_layer final : public whole_layer {
 public:
  step_dense_layer(backend& b, const layer_spec& spec, weight_layout layout);

  void initialize(init_scheme scheme, rng& random) override { dense_->initialize(scheme, random); }
  std::vector<parameter> parameters() override { return dense_->parameters(); }
  const_matrix_view forward(const layer_input& x) override;
  const_matrix_view backward(const layer_input& x, const_matrix_view d_output, float beta,
                             bool want_input_grad) override;

 private:
  // x's batch as its rows x steps examples of one step each.
  layer_input by_step(const layer_input& x) const;

  int steps_;
  std::unique_ptr<layer> dense_;
};

}  // namespace aerec
