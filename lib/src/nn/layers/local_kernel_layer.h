#pragma once
// A local-kernel layer (aerec/nn/layers/local_kernel.h): a dense layer whose weights
// W are multiplied by the local kernel of its inputs' and outputs' points
// before use. The dense layer inside computes with those effective weights.
#include "aerec/backend/device_array.h"
#include "aerec/nn/layer.h"
#include "aerec/nn/layers/local_kernel.h"
#include "nn/layers/dense_layer.h"

namespace aerec {

struct layer_kind_info;
extern const layer_kind_info local_kernel_layer_kind;

class local_kernel_layer final : public layer {
 public:
  local_kernel_layer(backend& b, const layer_spec& spec, weight_layout layout);

  layer_spec spec() const override { return spec_; }
  // W and the bias as a dense layer's; the points near 0 (truncated normal,
  // sd 1e-3, as GLocal-K), so that the kernel starts near 1 everywhere.
  void initialize(init_scheme scheme, rng& random) override;
  const_matrix_view forward(const layer_input& x) override;
  const_matrix_view backward(const layer_input& x, const_matrix_view d_output, float beta,
                             bool want_input_grad) override;
  // weight (W, stored as the dense layer would), bias, input_points (inputs
  // x kernel_dim), output_points (outputs x kernel_dim).
  std::vector<parameter> parameters() override;
  const float* forward_at(const layer_input& x, const sparse_view& pattern) override;
  const_matrix_view backward_at(const layer_input& x, const sparse_view& pattern, const float* d_values,
                                float beta, bool want_input_grad) override;
  void set_own_penalty(float weight) override { penalty_ = weight; }
  double own_penalty() const override { return penalty_ / 2 * kernel_squares_; }

 private:
  // The points of the stored weight's rows and columns, and their gradients:
  // the inputs' and outputs', swapped for a weight stored by output.
  struct stored_points {
    const_matrix_view rows, cols;
    float* rows_grad;
    float* cols_grad;
  };
  stored_points points();
  // Sets the dense layer's weights to W * kernel.
  void apply_kernel();
  // Gradients of W and the points from the dense layer's weight gradient; before that,
  // prepare_backward zeroes it when accumulating, so that it holds this batch's alone.
  void prepare_backward(float beta);
  void kernel_backward(float beta);

  backend& backend_;
  layer_spec spec_;
  weight_layout layout_;
  int kernel_dim_;
  dense_layer effective_;  // its weight is W * kernel; its bias is the layer's
  device_array<float> weight_, weight_grad_, kernel_;
  device_array<float> input_points_, output_points_, input_points_grad_, output_points_grad_;
  float penalty_ = 0;
  double kernel_squares_ = 0;
};

}  // namespace aerec
