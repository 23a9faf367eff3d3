#include "nn/layers/step_dense_layer.h"

#include "aerec/nn/layer_registry.h"
#include "aerec/nn/layers/dense.h"

namespace aerec {

namespace {

std::string step_dense_problem(const layer_spec& spec) {
  if (spec.input.kind() != shape_kind::sequence || spec.output.kind() != shape_kind::sequence)
    return "a step_dense layer takes and emits sequences";
  if (spec.output.dim(0) != spec.input.dim(0))
    return "its output " + spec.output.text() + " must have as many steps as its input " + spec.input.text();
  return {};
}

layer_spec dense_of(const layer_spec& spec) {
  return dense_spec(spec.input.dim(1), spec.output.dim(1), spec.act);
}

}  // namespace

layer_spec step_dense_spec(int steps, int inputs, int outputs, activation act) {
  return {std::string(step_dense_kind_name),
          shape::sequence(steps, inputs),
          shape::sequence(steps, outputs),
          act,
          {}};
}

const layer_kind_info step_dense_layer_kind = {
    step_dense_kind_name,
    "y = activation(x W + b) at every step, the same W and b",
    {},
    step_dense_problem,
    [](const layer_spec& spec) { return layer_kind(dense_kind_name).parameters(dense_of(spec)); },
    [](backend& b, const layer_spec& spec, weight_layout layout) -> std::unique_ptr<layer> {
      return std::make_unique<step_dense_layer>(b, spec, layout);
    },
    [](const layer_spec& spec) { return "dense at each of " + std::to_string(spec.input.dim(0)) + " steps"; },
};

step_dense_layer::step_dense_layer(backend& b, const layer_spec& spec, weight_layout layout)
    : whole_layer(b, spec, "sequences"),
      steps_(spec.input.dim(0)),
      dense_(make_layer(b, dense_of(spec), layout)) {}

layer_input step_dense_layer::by_step(const layer_input& x) const {
  const const_matrix_view in = dense_input(x);
  layer_input steps;
  steps.dense = {in.data, in.rows * steps_, spec_.input.dim(1)};
  return steps;
}

const_matrix_view step_dense_layer::forward(const layer_input& x) {
  const const_matrix_view y = dense_->forward(by_step(x));
  return {y.data, y.rows / steps_, spec_.outputs()};
}

const_matrix_view step_dense_layer::backward(const layer_input& x, const_matrix_view d_output, float beta,
                                             bool want_input_grad) {
  const const_matrix_view dx = dense_->backward(
      by_step(x), {d_output.data, d_output.rows * steps_, spec_.output.dim(1)}, beta, want_input_grad);
  if (!want_input_grad) return dx;
  return {dx.data, dx.rows / steps_, spec_.inputs()};
}

}  // namespace aerec
