#pragma once
// A max-pooling layer (aerec/nn/layers/max_pool2d.h). Its forward keeps each
// output's argmax, which its backward routes the gradient to.
#include <cstdint>

#include "aerec/backend/device_array.h"
#include "aerec/nn/layers/max_pool2d.h"
#include "nn/layers/image_layer.h"

namespace aerec {

struct layer_kind_info;
extern const layer_kind_info max_pool2d_layer_kind;

class max_pool2d_layer final : public image_layer {
 public:
  max_pool2d_layer(backend& b, const layer_spec& spec);

  const_matrix_view forward(const layer_input& x) override;
  // dL/d(input), each output's gradient at its window's first maximum (and
  // summed where windows overlap); there are no parameters for beta to keep.
  const_matrix_view backward(const layer_input& x, const_matrix_view d_output, float beta,
                             bool want_input_grad) override;

 private:
  int kernel_, stride_;
  device_array<float> y_, dx_;  // batch workspaces
  device_array<std::int32_t> argmax_;
  int rows_ = 0;
};

}  // namespace aerec
