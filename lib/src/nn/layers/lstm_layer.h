#pragma once
// An LSTM layer (aerec/nn/layers/lstm.h). Its states are kept step-major
// (a step's rows contiguous), so that each step's recurrent product is one
// GEMM on plain matrix views; the input's products for all steps are one
// GEMM, and so are the weight gradients.
#include "aerec/backend/device_array.h"
#include "aerec/nn/layers/lstm.h"
#include "nn/layers/whole_layer.h"

namespace aerec {

struct layer_kind_info;
extern const layer_kind_info lstm_layer_kind;

class lstm_layer final : public whole_layer {
 public:
  lstm_layer(backend& b, const layer_spec& spec);

  void initialize(init_scheme scheme, rng& random) override;
  const_matrix_view forward(const layer_input& x) override;
  const_matrix_view backward(const layer_input& x, const_matrix_view d_output, float beta,
                             bool want_input_grad) override;
  std::vector<parameter> parameters() override;

 private:
  // Step t's rows of a step-major workspace of `cols` floats a row.
  matrix_view at_step(device_array<float>& a, int t, int cols) {
    return {a.data() + floats(t * rows_, cols), rows_, cols};
  }
  void reserve(int rows);
  // dL/dW_hh = sum over steps t >= 1 of dz_t^T h_{t-1}: one GEMM over the steps.
  void hidden_weight_grad(float beta);

  int steps_, inputs_, hidden_;
  bool last_only_;
  device_array<float> weight_input_, weight_hidden_, bias_;
  device_array<float> weight_input_grad_, weight_hidden_grad_, bias_grad_;
  // Step-major batch workspaces: the inputs, the activated gates, c and h;
  // backward's dL/dh, dL/dz and dL/dx; dL/dc of one step; the batch-major output and dL/dx.
  device_array<float> x_, gates_, c_, h_, dh_, dz_, dxt_, dc_, y_, dx_;
  int rows_ = 0;
};

}  // namespace aerec
