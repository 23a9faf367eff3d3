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

}  // namespace aerec
