#pragma once
// A nearest-neighbour upsampling layer (aerec/nn/layers/upsample2d.h).
#include "aerec/backend/device_array.h"
#include "aerec/nn/layers/upsample2d.h"
#include "nn/layers/image_layer.h"

namespace aerec {

struct layer_kind_info;
extern const layer_kind_info upsample2d_layer_kind;

class upsample2d_layer final : public image_layer {
 public:
  upsample2d_layer(backend& b, const layer_spec& spec);

  const_matrix_view forward(const layer_input& x) override;
  // dL/d(input), each pixel's the sum of its block's; there are no
  // parameters for beta to keep.
  const_matrix_view backward(const layer_input& x, const_matrix_view d_output, float beta,
                             bool want_input_grad) override;

 private:
  int scale_;
  device_array<float> y_, dx_;  // batch workspaces
  int rows_ = 0;
};

}  // namespace aerec
