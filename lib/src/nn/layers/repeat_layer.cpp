#include "nn/layers/repeat_layer.h"

#include "aerec/backend/ops/sequence_ops.h"
#include "aerec/nn/layer_registry.h"

namespace aerec {

namespace {

std::string repeat_problem(const layer_spec& spec) {
  if (spec.input.kind() != shape_kind::features || spec.output.kind() != shape_kind::sequence)
    return "a repeat layer takes features and emits a sequence";
  if (spec.output.dim(1) != spec.input.dim(0))
    return "its output " + spec.output.text() + " must repeat its " + spec.input.text() + " features";
  if (spec.act != activation::identity) return "a repeat layer has no activation";
  return {};
}

}  // namespace

layer_spec repeat_spec(int features, int steps) {
  return {std::string(repeat_kind_name),
          shape::features(features),
          shape::sequence(steps, features),
          activation::identity,
          {}};
}

const layer_kind_info repeat_layer_kind = {
    repeat_kind_name,
    "a vector repeated at every step of a sequence",
    {},
    repeat_problem,
    [](const layer_spec&) { return std::vector<parameter_shape>(); },
    [](backend& b, const layer_spec& spec, weight_layout) -> std::unique_ptr<layer> {
      return std::make_unique<repeat_layer>(b, spec);
    },
    [](const layer_spec& spec) { return "repeated " + std::to_string(spec.output.dim(0)) + " times"; },
};

const_matrix_view repeat_layer::forward(const layer_input& x) {
  const const_matrix_view in = dense_input(x);
  rows_ = in.rows;
  y_.reserve(backend_, floats(rows_, spec_.outputs()));
  const matrix_view y{y_.data(), rows_, spec_.outputs()};
  ops<sequence_ops>(backend_).repeat_steps(in, y);
  return y;
}

const_matrix_view repeat_layer::backward(const layer_input&, const_matrix_view d_output, float,
                                         bool want_input_grad) {
  AEREC_ASSERT(d_output.rows == rows_ && d_output.cols == spec_.outputs());
  if (!want_input_grad) return {nullptr, 0, 0};
  dx_.reserve(backend_, floats(rows_, spec_.inputs()));
  const matrix_view dx{dx_.data(), rows_, spec_.inputs()};
  ops<sequence_ops>(backend_).sum_steps(d_output, dx);
  return dx;
}

}  // namespace aerec
