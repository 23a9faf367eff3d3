#pragma once
// What the image layers without parameters (max pooling, upsampling) share:
// no parameters, dense inputs only, and no rated-entry path (internal).
#include <string>

#include "aerec/backend/ops/pool_ops.h"
#include "aerec/nn/layer.h"

namespace aerec {

// Why `spec` cannot be an image layer without parameters: shapes that are not
// images, or an activation (they compute none); empty when it can.
std::string image_layer_problem(const layer_spec& spec);

// The image geometry of an image shape.
image_geometry geometry_of(const shape& image);

class image_layer : public layer {
 public:
  layer_spec spec() const final { return spec_; }
  void initialize(init_scheme, rng&) final {}
  std::vector<parameter> parameters() final { return {}; }
  // Refused: a rating model's rated-entry path needs single outputs, and an
  // image layer computes whole images.
  const float* forward_at(const layer_input& x, const sparse_view& pattern) final;
  const_matrix_view backward_at(const layer_input& x, const sparse_view& pattern, const float* d_values,
                                float beta, bool want_input_grad) final;

 protected:
  image_layer(backend& b, const layer_spec& spec) : backend_(b), spec_(spec) {}
  // x's dense batch; throws error_code::invalid_argument for a sparse one.
  const_matrix_view dense_input(const layer_input& x) const;

  backend& backend_;
  layer_spec spec_;

 private:
  [[noreturn]] void refuse_single_outputs() const;
};

}  // namespace aerec
