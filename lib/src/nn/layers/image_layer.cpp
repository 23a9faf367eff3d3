#include "nn/layers/image_layer.h"

#include "aerec/core/error.h"

namespace aerec {

std::string image_layer_problem(const layer_spec& spec) {
  if (spec.input.kind() != shape_kind::image || spec.output.kind() != shape_kind::image)
    return "a " + spec.kind + " layer takes and emits images";
  if (spec.act != activation::identity) return "a " + spec.kind + " layer has no activation";
  return {};
}

image_geometry geometry_of(const shape& image) { return {image.dim(0), image.dim(1), image.dim(2)}; }

void image_layer::refuse_single_outputs() const {
  throw error(error_code::invalid_argument,
              "a " + spec_.kind + " layer computes whole images: image layers don't compute single outputs");
}

const float* image_layer::forward_at(const layer_input&, const sparse_view&) { refuse_single_outputs(); }

const_matrix_view image_layer::backward_at(const layer_input&, const sparse_view&, const float*, float,
                                           bool) {
  refuse_single_outputs();
}

const_matrix_view image_layer::dense_input(const layer_input& x) const {
  if (x.sparse)
    throw error(error_code::invalid_argument,
                "a " + spec_.kind + " layer takes dense inputs, not sparse ones");
  AEREC_ASSERT(x.dense.cols == spec_.inputs());
  return x.dense;
}

}  // namespace aerec
