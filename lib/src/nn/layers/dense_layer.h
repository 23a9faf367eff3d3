#pragma once
// y = activation(x W + b) for an inputs x outputs W, stored by_input (W) or
// by_output (W^T); see weight_layout.
#include <memory>

#include "aerec/backend/device_array.h"
#include "aerec/nn/layer.h"
#include "aerec/nn/layers/dense.h"

namespace aerec {

struct layer_kind_info;
extern const layer_kind_info dense_layer_kind;

class dense_layer final : public layer {
 public:
  dense_layer(backend& b, const layer_spec& spec, weight_layout layout);

  layer_spec spec() const override { return spec_; }
  void initialize(init_scheme scheme, rng& random) override;
  const_matrix_view forward(const layer_input& x) override;
  const_matrix_view backward(const layer_input& x, const_matrix_view d_output, float beta,
                             bool want_input_grad) override;
  std::vector<parameter> parameters() override;
  const float* forward_at(const layer_input& x, const sparse_view& pattern) override;
  const_matrix_view backward_at(const layer_input& x, const sparse_view& pattern, const float* d_values,
                                float beta, bool want_input_grad) override;
  void set_lazy_gradients(lazy_gradients rows) override { lazy_ = rows; }
  void prepare_for_serving() override;

 private:
  matrix_view batch_matrix(device_array<float>& a, int rows, int cols) { return {a.data(), rows, cols}; }
  bool by_output() const { return layout_ == weight_layout::by_output; }
  // The stored weight and its gradient: W (inputs x outputs) or W^T.
  matrix_view stored(device_array<float>& a);
  void reserve(int rows);
  // dL/d(input) = dZ W^T for a dense dZ, into dx_.
  // dL/d(pre-activations) from dL/d(outputs): the same view for an identity layer.
  const_matrix_view pre_activation_grad(const_matrix_view d_output);
  const_matrix_view input_grad(const_matrix_view dz);
  // G = X^T D + beta G for a sparse X; with beta 0 and `rows` lazy, at X's columns' rows alone.
  void sparse_gradient(const sparse_view& x, const_matrix_view d, float beta, matrix_view g,
                       lazy_gradients rows);

  backend& backend_;
  layer_spec spec_;
  weight_layout layout_;
  device_array<float> weight_, bias_, weight_grad_, bias_grad_;
  device_array<float> z_, y_, dz_, dx_;         // batch workspaces
  device_array<float> ones_;                    // forward_at's bias gradient sums dz with it
  std::unique_ptr<prepared_product> prepared_;  // the weight, for dense inputs, once serving
  int rows_ = 0;
  lazy_gradients lazy_ = lazy_gradients::none;
};

}  // namespace aerec
