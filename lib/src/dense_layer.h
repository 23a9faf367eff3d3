#pragma once
// y = activation(x W + b), W stored inputs x outputs (row j of W belongs to
// input j, so a sparse input row selects contiguous rows of W).
#include "aerec/device_array.h"
#include "aerec/layer.h"

namespace aerec {

class dense_layer final : public layer {
 public:
  dense_layer(backend& b, const layer_spec& spec);

  layer_spec spec() const override { return spec_; }
  void initialize(init_scheme scheme, rng& random) override;
  const_matrix_view forward(const layer_input& x) override;
  const_matrix_view backward(const layer_input& x, const_matrix_view d_output, float beta,
                             bool want_input_grad) override;
  std::vector<parameter> parameters() override;

 private:
  matrix_view batch_matrix(device_array<float>& a, int rows, int cols) {
    return {a.data(), rows, cols};
  }
  void reserve(int rows);

  backend& backend_;
  layer_spec spec_;
  device_array<float> weight_, bias_, weight_grad_, bias_grad_;
  device_array<float> z_, y_, dz_, dx_;  // batch workspaces
  int rows_ = 0;
};

}  // namespace aerec
