#include "nn/layers/max_pool2d_layer.h"

#include "aerec/nn/layer_registry.h"

namespace aerec {

namespace {

std::size_t count(int a, int b) { return static_cast<std::size_t>(a) * static_cast<std::size_t>(b); }

constexpr std::string_view kernel_size = "kernel_size", stride = "stride";

std::string max_pool2d_problem(const layer_spec& spec) {
  if (std::string problem = image_layer_problem(spec); !problem.empty()) return problem;
  const auto k = static_cast<int>(spec.attribute(kernel_size)), s = static_cast<int>(spec.attribute(stride));
  const image_geometry in = geometry_of(spec.input);
  if (k > in.height || k > in.width)
    return "its kernel_size " + std::to_string(k) + " is larger than its input " + spec.input.text();
  const shape expected = shape::image(in.channels, pooled_size(in.height, k, s), pooled_size(in.width, k, s));
  if (spec.output != expected)
    return "its output must be " + expected.text() + " (its input " + spec.input.text() + " pooled " +
           std::to_string(k) + "x" + std::to_string(k) + " every " + std::to_string(s) + " pixels), not " +
           spec.output.text();
  return {};
}

}  // namespace

layer_spec max_pool2d_spec(shape input, int k, int s) {
  layer_spec spec{std::string(max_pool2d_kind_name),
                  input,
                  input,
                  activation::identity,
                  {{std::string(kernel_size), k}, {std::string(stride), s}}};
  if (input.kind() == shape_kind::image && k >= 1 && s >= 1 && k <= input.dim(1) && k <= input.dim(2))
    spec.output =
        shape::image(input.dim(0), pooled_size(input.dim(1), k, s), pooled_size(input.dim(2), k, s));
  return spec;  // an impossible geometry keeps the input's shape, for layer_problem to refuse
}

const layer_kind_info max_pool2d_layer_kind = {
    max_pool2d_kind_name,
    "the maximum of each channel's k x k windows every s pixels (ceil mode: edge windows take their "
    "in-bounds pixels)",
    {{kernel_size, "the windows' width and height in pixels", 1, 1024},
     {stride, "the pixels between windows' starts", 1, 1024}},
    max_pool2d_problem,
    [](const layer_spec&) { return std::vector<parameter_shape>(); },
    [](backend& b, const layer_spec& spec, weight_layout) -> std::unique_ptr<layer> {
      return std::make_unique<max_pool2d_layer>(b, spec);
    },
    [](const layer_spec& spec) {
      const std::string k = std::to_string(spec.attribute(kernel_size));
      return k + "x" + k + " max pooling, stride " + std::to_string(spec.attribute(stride));
    },
};

max_pool2d_layer::max_pool2d_layer(backend& b, const layer_spec& spec)
    : image_layer(b, spec),
      kernel_(static_cast<int>(spec.attribute(kernel_size))),
      stride_(static_cast<int>(spec.attribute(stride))) {}

const_matrix_view max_pool2d_layer::forward(const layer_input& x) {
  const const_matrix_view in = dense_input(x);
  rows_ = in.rows;
  const std::size_t n = count(rows_, spec_.outputs());
  y_.reserve(backend_, n);
  argmax_.reserve(backend_, n);
  const matrix_view y{y_.data(), rows_, spec_.outputs()};
  ops<pool_ops>(backend_).max_pool(geometry_of(spec_.input), kernel_, stride_, in, y, argmax_.data());
  return y;
}

const_matrix_view max_pool2d_layer::backward(const layer_input&, const_matrix_view d_output, float,
                                             bool want_input_grad) {
  AEREC_ASSERT(d_output.rows == rows_ && d_output.cols == spec_.outputs());
  if (!want_input_grad) return {nullptr, 0, 0};
  dx_.reserve(backend_, count(rows_, spec_.inputs()));
  const matrix_view dx{dx_.data(), rows_, spec_.inputs()};
  ops<pool_ops>(backend_).max_pool_backward(d_output, argmax_.data(), dx);
  return dx;
}

}  // namespace aerec
