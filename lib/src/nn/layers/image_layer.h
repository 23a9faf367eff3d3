#pragma once
// What the image layers without parameters (max pooling, upsampling) share:
// no parameters, besides what every whole-example layer shares (internal).
#include <string>

#include "aerec/backend/ops/pool_ops.h"
#include "nn/layers/whole_layer.h"

namespace aerec {

// Why `spec` cannot be an image layer without parameters: shapes that are not
// images, or an activation (they compute none); empty when it can.
std::string image_layer_problem(const layer_spec& spec);

// The image geometry of an image shape.
image_geometry geometry_of(const shape& image);

class image_layer : public whole_layer {
 public:
  void initialize(init_scheme, rng&) final {}
  std::vector<parameter> parameters() final { return {}; }

 protected:
  image_layer(backend& b, const layer_spec& spec) : whole_layer(b, spec, "images") {}
};

}  // namespace aerec
