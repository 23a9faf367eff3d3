#include "nn/layers/upsample2d_layer.h"

#include <cstdint>

#include "aerec/nn/layer_registry.h"

namespace aerec {

namespace {

std::size_t count(int a, int b) { return static_cast<std::size_t>(a) * static_cast<std::size_t>(b); }

constexpr std::string_view scale = "scale";

std::string upsample2d_problem(const layer_spec& spec) {
  if (std::string problem = image_layer_problem(spec); !problem.empty()) return problem;
  const std::int64_t s = spec.attribute(scale);
  const image_geometry in = geometry_of(spec.input);
  const image_geometry out = geometry_of(spec.output);
  if (out.channels != in.channels || out.height != in.height * s || out.width != in.width * s)
    return "its output must be its input " + spec.input.text() + " " + std::to_string(s) +
           " times as high and wide, not " + spec.output.text();
  return {};
}

}  // namespace

layer_spec upsample2d_spec(shape input, int s) {
  layer_spec spec{
      std::string(upsample2d_kind_name), input, input, activation::identity, {{std::string(scale), s}}};
  if (input.kind() == shape_kind::image)
    spec.output = shape::image(input.dim(0), input.dim(1) * s, input.dim(2) * s);
  return spec;
}

const layer_kind_info upsample2d_layer_kind = {
    upsample2d_kind_name,
    "nearest-neighbour upsampling: each pixel becomes a scale x scale block of its value",
    {{scale, "how many times higher and wider the output is", 1, 1024}},
    upsample2d_problem,
    [](const layer_spec&) { return std::vector<parameter_shape>(); },
    [](backend& b, const layer_spec& spec, weight_layout) -> std::unique_ptr<layer> {
      return std::make_unique<upsample2d_layer>(b, spec);
    },
    [](const layer_spec& spec) { return std::to_string(spec.attribute(scale)) + "x nearest upsampling"; },
};

upsample2d_layer::upsample2d_layer(backend& b, const layer_spec& spec)
    : image_layer(b, spec), scale_(static_cast<int>(spec.attribute(scale))) {}

const_matrix_view upsample2d_layer::forward(const layer_input& x) {
  const const_matrix_view in = dense_input(x);
  rows_ = in.rows;
  y_.reserve(backend_, count(rows_, spec_.outputs()));
  const matrix_view y{y_.data(), rows_, spec_.outputs()};
  ops<pool_ops>(backend_).upsample(geometry_of(spec_.input), scale_, in, y);
  return y;
}

const_matrix_view upsample2d_layer::backward(const layer_input&, const_matrix_view d_output, float,
                                             bool want_input_grad) {
  AEREC_ASSERT(d_output.rows == rows_ && d_output.cols == spec_.outputs());
  if (!want_input_grad) return {nullptr, 0, 0};
  dx_.reserve(backend_, count(rows_, spec_.inputs()));
  const matrix_view dx{dx_.data(), rows_, spec_.inputs()};
  ops<pool_ops>(backend_).upsample_backward(geometry_of(spec_.input), scale_, d_output, dx);
  return dx;
}

}  // namespace aerec
