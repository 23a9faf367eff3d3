#include "nn/layers/local_kernel_layer.h"

#include <utility>

#include "aerec/backend/ops/glocal_ops.h"
#include "aerec/nn/layer_registry.h"
#include "aerec/nn/layers/dense.h"

namespace aerec {

namespace {
std::size_t count(int a, int b) { return static_cast<std::size_t>(a) * static_cast<std::size_t>(b); }

constexpr std::string_view kernel_dim = "kernel_dim";

// The dense layer inside, which computes with the effective weights.
layer_spec effective_spec(layer_spec spec) {
  spec.kind = dense_kind_name;
  spec.attributes.clear();
  return spec;
}

std::vector<parameter_shape> local_kernel_parameters(const layer_spec& s) {
  const auto in = static_cast<std::size_t>(s.inputs()), out = static_cast<std::size_t>(s.outputs());
  const auto d = static_cast<std::size_t>(s.attribute(kernel_dim));
  return {{"weight", in, out}, {"bias", 1, out}, {"input_points", in, d}, {"output_points", out, d}};
}

}  // namespace

layer_spec local_kernel_spec(int inputs, int outputs, activation act, int dim) {
  return {std::string(local_kernel_kind_name),
          shape::features(inputs),
          shape::features(outputs),
          act,
          {{std::string(kernel_dim), dim}}};
}

const layer_kind_info local_kernel_layer_kind = {
    local_kernel_kind_name,
    "a dense layer whose weights are scaled by a local kernel of learned points (Sparse FC, GLocal-K)",
    {{kernel_dim, "the dimension of the inputs' and outputs' points", 1, 1024}},
    [](const layer_spec&) { return std::string(); },
    local_kernel_parameters,
    [](backend& b, const layer_spec& spec, weight_layout layout) -> std::unique_ptr<layer> {
      return std::make_unique<local_kernel_layer>(b, spec, layout);
    },
    [](const layer_spec& spec) { return "local kernel, R^" + std::to_string(spec.attribute(kernel_dim)); },
    true,
};

local_kernel_layer::local_kernel_layer(backend& b, const layer_spec& spec, weight_layout layout)
    : backend_(b),
      spec_(spec),
      layout_(layout),
      kernel_dim_(static_cast<int>(spec.attribute(kernel_dim))),
      effective_(b, effective_spec(spec), layout),
      weight_(b, count(spec.inputs(), spec.outputs())),
      weight_grad_(b, count(spec.inputs(), spec.outputs())),
      kernel_(b, count(spec.inputs(), spec.outputs())),
      input_points_(b, count(spec.inputs(), kernel_dim_)),
      output_points_(b, count(spec.outputs(), kernel_dim_)),
      input_points_grad_(b, count(spec.inputs(), kernel_dim_)),
      output_points_grad_(b, count(spec.outputs(), kernel_dim_)) {
  for (const parameter& p : parameters()) {
    b.fill(p.value, p.size, 0);
    b.fill(p.grad, p.size, 0);
  }
}

void local_kernel_layer::initialize(init_scheme scheme, rng& random) {
  effective_.initialize(scheme, random);
  const parameter w = effective_.parameters()[0];
  std::vector<float> host(w.size);
  backend_.to_host(host.data(), w.value, w.size * sizeof(float));
  weight_.upload(host);
  for (device_array<float>* points : {&input_points_, &output_points_}) {
    std::vector<float> p(points->capacity());
    for (float& v : p) v = 1e-3f * random.truncated_normal();
    points->upload(p);
  }
}

local_kernel_layer::stored_points local_kernel_layer::points() {
  const int d = kernel_dim_;
  stored_points p{{input_points_.data(), spec_.inputs(), d},
                  {output_points_.data(), spec_.outputs(), d},
                  input_points_grad_.data(),
                  output_points_grad_.data()};
  if (layout_ == weight_layout::by_output) {
    std::swap(p.rows, p.cols);
    std::swap(p.rows_grad, p.cols_grad);
  }
  return p;
}

void local_kernel_layer::apply_kernel() {
  const stored_points p = points();
  kernel_squares_ = ops<glocal_ops>(backend_).local_kernel(p.rows, p.cols, weight_.data(), kernel_.data(),
                                                           effective_.parameters()[0].value);
}

void local_kernel_layer::prepare_backward(float beta) {
  if (beta != 0) {
    const parameter w = effective_.parameters()[0];
    backend_.fill(w.grad, w.size, 0);
  }
}

void local_kernel_layer::kernel_backward(float beta) {
  const stored_points p = points();
  ops<glocal_ops>(backend_).local_kernel_backward(p.rows, p.cols, weight_.data(), kernel_.data(),
                                                  effective_.parameters()[0].grad, penalty_, beta,
                                                  weight_grad_.data(), p.rows_grad, p.cols_grad);
}

const_matrix_view local_kernel_layer::forward(const layer_input& x) {
  apply_kernel();
  return effective_.forward(x);
}

const_matrix_view local_kernel_layer::backward(const layer_input& x, const_matrix_view d_output, float beta,
                                               bool want_input_grad) {
  prepare_backward(beta);
  const const_matrix_view dx = effective_.backward(x, d_output, beta, want_input_grad);
  kernel_backward(beta);
  return dx;
}

const float* local_kernel_layer::forward_at(const layer_input& x, const sparse_view& pattern) {
  apply_kernel();
  return effective_.forward_at(x, pattern);
}

const_matrix_view local_kernel_layer::backward_at(const layer_input& x, const sparse_view& pattern,
                                                  const float* d_values, float beta, bool want_input_grad) {
  prepare_backward(beta);
  const const_matrix_view dx = effective_.backward_at(x, pattern, d_values, beta, want_input_grad);
  kernel_backward(beta);
  return dx;
}

std::vector<parameter> local_kernel_layer::parameters() {
  const parameter w = effective_.parameters()[0];
  const parameter bias = effective_.parameters()[1];
  return {{"weight", weight_.data(), weight_grad_.data(), weight_.capacity(), w.transposed, w.rows, w.cols},
          bias,
          {"input_points", input_points_.data(), input_points_grad_.data(), input_points_.capacity()},
          {"output_points", output_points_.data(), output_points_grad_.data(), output_points_.capacity()}};
}

}  // namespace aerec
