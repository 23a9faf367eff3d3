#include "nn/layers/whole_layer.h"

#include "aerec/core/error.h"

namespace aerec {

void whole_layer::refuse_single_outputs() const {
  throw error(error_code::invalid_argument, "a " + spec_.kind + " layer computes whole " + examples_ +
                                                ": such layers don't compute single outputs");
}

const float* whole_layer::forward_at(const layer_input&, const sparse_view&) { refuse_single_outputs(); }

const_matrix_view whole_layer::backward_at(const layer_input&, const sparse_view&, const float*, float,
                                           bool) {
  refuse_single_outputs();
}

const_matrix_view whole_layer::dense_input(const layer_input& x) const {
  if (x.sparse)
    throw error(error_code::invalid_argument,
                "a " + spec_.kind + " layer takes dense inputs, not sparse ones");
  AEREC_ASSERT(x.dense.cols == spec_.inputs());
  return x.dense;
}

}  // namespace aerec
