#include "nn/layers/conv_layer.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "aerec/backend/ops/elementwise_ops.h"
#include "aerec/core/error.h"
#include "aerec/nn/layer_registry.h"
#include "aerec/nn/layers/conv2d.h"
#include "aerec/nn/layers/conv_transpose2d.h"

namespace aerec {

namespace {

std::size_t count(int a, int b) { return static_cast<std::size_t>(a) * static_cast<std::size_t>(b); }

constexpr std::string_view kernel_key = "kernel_size", stride_key = "stride", padding_key = "padding";

int setting(const layer_spec& s, std::string_view name) { return static_cast<int>(s.attribute(name)); }

// The image side: conv2d's input, conv_transpose2d's output.
conv_geometry image_side(const layer_spec& s, bool transposed) {
  const shape& image = transposed ? s.output : s.input;
  return {image.dim(0),           image.dim(1),           image.dim(2),
          setting(s, kernel_key), setting(s, stride_key), setting(s, padding_key)};
}

// The position side's channels: conv2d's outputs, conv_transpose2d's inputs.
int position_channels(const layer_spec& s, bool transposed) {
  return (transposed ? s.input : s.output).dim(0);
}

// An output length from an input length, in 64 bits so that a damaged spec cannot overflow it.
std::int64_t output_length(std::int64_t in, const layer_spec& s, bool transposed) {
  const std::int64_t k = s.attribute(kernel_key), st = s.attribute(stride_key), p = s.attribute(padding_key);
  if (st < 1) return 0;  // an attribute out of range, which layer_problem reports
  if (transposed) return (in - 1) * st - 2 * p + k;
  return in + 2 * p < k ? 0 : (in + 2 * p - k) / st + 1;
}

layer_spec make_spec(std::string_view kind, shape input, shape output, int k, int s, int p, activation act) {
  return {std::string(kind),
          input,
          output,
          act,
          {{std::string(kernel_key), k}, {std::string(stride_key), s}, {std::string(padding_key), p}}};
}

layer_spec spec_of(std::string_view kind, shape input, int out_channels, int k, int s, int p, activation act,
                   bool transposed) {
  layer_spec spec = make_spec(kind, input, input, k, s, p, act);
  spec.output = shape::image(out_channels, static_cast<int>(output_length(input.dim(1), spec, transposed)),
                             static_cast<int>(output_length(input.dim(2), spec, transposed)));
  return spec;
}

std::string geometry_problem(const layer_spec& s, bool transposed) {
  if (s.input.kind() != shape_kind::image || s.output.kind() != shape_kind::image)
    return "a " + s.kind + " layer takes and emits images (channels x height x width)";
  const std::int64_t h = output_length(s.input.dim(1), s, transposed);
  const std::int64_t w = output_length(s.input.dim(2), s, transposed);
  const std::string made = h < 1 || w < 1 ? "nothing" : std::to_string(h) + "x" + std::to_string(w);
  if (h != s.output.dim(1) || w != s.output.dim(2))
    return "its kernel " + std::to_string(s.attribute(kernel_key)) + ", stride " +
           std::to_string(s.attribute(stride_key)) + " and padding " +
           std::to_string(s.attribute(padding_key)) + " make a " + std::to_string(s.input.dim(1)) + "x" +
           std::to_string(s.input.dim(2)) + " input " + made + ", not " + std::to_string(s.output.dim(1)) +
           "x" + std::to_string(s.output.dim(2));
  const std::int64_t k = s.attribute(kernel_key);
  if (static_cast<std::int64_t>(image_side(s, transposed).channels) * k * k > INT32_MAX)
    return "its kernels are too large";
  return {};
}

std::vector<parameter_shape> conv_parameters(const layer_spec& s, bool transposed) {
  const conv_geometry g = image_side(s, transposed);
  const auto rows = static_cast<std::size_t>(position_channels(s, transposed));
  return {{"weight", rows, count(g.channels, g.kernel * g.kernel)},
          {"bias", 1, static_cast<std::size_t>(s.output.dim(0))}};
}

std::string describe(const layer_spec& s, const char* what) {
  const std::string k = std::to_string(s.attribute(kernel_key));
  return k + "x" + k + " " + what + ", stride " + std::to_string(s.attribute(stride_key)) + ", padding " +
         std::to_string(s.attribute(padding_key));
}

// The floats a chunk's patches may take (256 KB, a quarter of a 1 MB L2):
// on the layers of a small image autoencoder, 2^14 to 2^18 floats timed
// alike, 2^20 1.5x slower and the whole batch at once 1.8x.
constexpr int patch_budget = 1 << 16;

// Rows [first, first + n) of a batch.
template <class View>
View slice(View m, int first, int n) {
  return {m.data + count(first, m.cols), n, m.cols};
}

std::vector<layer_attribute> conv_attributes() {
  return {{kernel_key, "the kernel's height and width", 1, 255},
          {stride_key, "the step between kernel positions", 1, 255},
          {padding_key, "the zeros around each side of the image (conv2d's input, conv_transpose2d's output)",
           0, 255}};
}

[[noreturn]] void refuse_rated_entries(const layer_spec& s) {
  throw error(error_code::invalid_argument,
              "a " + s.kind + " layer computes whole images, not outputs at rated entries");
}

}  // namespace

layer_spec conv2d_spec(shape input, int out_channels, int kernel_size, int stride, int padding,
                       activation act) {
  return spec_of(conv2d_kind_name, input, out_channels, kernel_size, stride, padding, act, false);
}

layer_spec conv_transpose2d_spec(shape input, int out_channels, int kernel_size, int stride, int padding,
                                 activation act) {
  return spec_of(conv_transpose2d_kind_name, input, out_channels, kernel_size, stride, padding, act, true);
}

const layer_kind_info conv2d_layer_kind = {
    conv2d_kind_name,
    "a 2-D convolution over images with zero padding (PyTorch's nn.Conv2d)",
    conv_attributes(),
    [](const layer_spec& s) { return geometry_problem(s, false); },
    [](const layer_spec& s) { return conv_parameters(s, false); },
    [](backend& b, const layer_spec& spec, weight_layout) -> std::unique_ptr<layer> {
      return std::make_unique<conv_layer>(b, spec, false);
    },
    [](const layer_spec& s) { return describe(s, "conv"); },
};

const layer_kind_info conv_transpose2d_layer_kind = {
    conv_transpose2d_kind_name,
    "a transposed 2-D convolution, growing images (PyTorch's nn.ConvTranspose2d)",
    conv_attributes(),
    [](const layer_spec& s) { return geometry_problem(s, true); },
    [](const layer_spec& s) { return conv_parameters(s, true); },
    [](backend& b, const layer_spec& spec, weight_layout) -> std::unique_ptr<layer> {
      return std::make_unique<conv_layer>(b, spec, true);
    },
    [](const layer_spec& s) { return describe(s, "transposed conv"); },
};

conv_layer::conv_layer(backend& b, const layer_spec& spec, bool transposed)
    : backend_(b),
      ops_(ops<conv_ops>(b)),
      spec_(spec),
      transposed_(transposed),
      geometry_(image_side(spec, transposed)),
      channels_(position_channels(spec, transposed)),
      weight_(b, count(channels_, geometry_.patch())),
      bias_(b, static_cast<std::size_t>(spec.output.dim(0))),
      weight_grad_(b, weight_.capacity()),
      bias_grad_(b, bias_.capacity()),
      chunk_(std::max(1, patch_budget / (geometry_.patch() * geometry_.positions()))),
      direct_(!transposed && geometry_.stride == 1 && geometry_.padding < geometry_.kernel) {
  for (const parameter& p : parameters()) {
    b.fill(p.value, p.size, 0);
    b.fill(p.grad, p.size, 0);
  }
}

void conv_layer::initialize(init_scheme scheme, rng& random) {
  const int area = geometry_.kernel * geometry_.kernel;
  // PyTorch's fans for its weight's layout: weight.size(1) * k * k and weight.size(0) * k * k.
  const initial_values v =
      draw_initial_values(scheme, static_cast<float>(geometry_.patch()), static_cast<float>(channels_ * area),
                          weight_.capacity(), bias_.capacity(), random);
  weight_.upload(v.weights);
  bias_.upload(v.biases);
}

const_matrix_view conv_layer::dense_input(const layer_input& x) const {
  if (x.sparse)
    throw error(error_code::invalid_argument,
                "a " + spec_.kind + " layer takes dense images, not sparse rows");
  AEREC_ASSERT(x.dense.cols == spec_.inputs());
  return x.dense;
}

void conv_layer::reserve(int rows) {
  rows_ = rows;
  y_.reserve(backend_, count(rows, spec_.outputs()));
  if (direct_) return;  // it activates as it writes, and differentiates as it reads
  for (device_array<float>* a : {&z_, &dz_}) a->reserve(backend_, count(rows, spec_.outputs()));
  const int positions = std::min(rows, chunk_) * geometry_.positions();
  patches_.reserve(backend_, count(geometry_.patch(), positions));
  columns_.reserve(backend_, count(channels_, positions));
}

template <class F>
void conv_layer::each_chunk(F&& f) {
  for (int first = 0; first < rows_; first += chunk_) {
    images_ = std::min(chunk_, rows_ - first);
    f(first);
  }
}

const_matrix_view conv_layer::forward(const layer_input& x) {
  const const_matrix_view in = dense_input(x);
  reserve(in.rows);
  const matrix_view y = batch(y_, spec_.output);
  if (direct_) {
    ops_.direct_correlate(geometry_, channels_, weight_.data(), bias_.data(), spec_.act, in, y);
    return y;
  }
  const matrix_view z = batch(z_, spec_.output);
  each_chunk([&](int first) {
    if (transposed_) {
      columns_from(slice(in, first, images_));
      spread();
      patches_to(bias_.data(), slice(z, first, images_));
    } else {
      patches_from(slice(in, first, images_));
      const matrix_view c = columns();
      ops_.fill_channels(bias_.data(), channels_, {c.data, 1, c.rows * c.cols});
      correlate(1);
      columns_to(slice(z, first, images_));
    }
  });
  ops<elementwise_ops>(backend_).activation_forward(spec_.act, z, y);
  return y;
}

// Each chunk's patches and columns again (in cache, cheaper than keeping a
// whole batch's): conv2d's hold its input's patches and its output
// gradient's columns, conv_transpose2d's its output gradient's patches and
// its input's columns.
const_matrix_view conv_layer::backward(const layer_input& x, const_matrix_view d_output, float beta,
                                       bool want_input_grad) {
  const const_matrix_view in = dense_input(x);
  AEREC_ASSERT(in.rows == rows_ && d_output.rows == rows_ && d_output.cols == spec_.outputs());
  if (want_input_grad) dx_.reserve(backend_, count(rows_, spec_.inputs()));
  const matrix_view dx = want_input_grad ? batch(dx_, spec_.input) : matrix_view{nullptr, 0, 0};
  const matrix_view y = batch(y_, spec_.output);
  if (direct_) {
    ops_.direct_backward(geometry_, channels_, weight_.data(), spec_.act, in, y, d_output, beta,
                         weight_grad_.data(), bias_grad_.data(), dx);
    return dx;
  }
  const matrix_view dz = batch(dz_, spec_.output);
  ops<elementwise_ops>(backend_).activation_backward(spec_.act, batch(z_, spec_.output), y, d_output, dz);
  ops_.channel_sums(dz, spec_.output.dim(0), beta, bias_grad_.data());
  each_chunk([&](int first) {
    if (transposed_) {
      columns_from(slice(in, first, images_));
      patches_from(slice(dz, first, images_));
    } else {
      patches_from(slice(in, first, images_));
      columns_from(slice(dz, first, images_));
    }
    kernel_grad(first == 0 ? beta : 1);
    if (!want_input_grad) return;
    if (transposed_) {
      correlate(0);
      columns_to(slice(dx, first, images_));
    } else {
      spread();
      patches_to(nullptr, slice(dx, first, images_));
    }
  });
  return dx;
}

const float* conv_layer::forward_at(const layer_input&, const sparse_view&) { refuse_rated_entries(spec_); }

const_matrix_view conv_layer::backward_at(const layer_input&, const sparse_view&, const float*, float, bool) {
  refuse_rated_entries(spec_);
}

void conv_layer::patches_from(const_matrix_view image) { ops_.im2col(geometry_, image, patches()); }

void conv_layer::patches_to(const float* bias, matrix_view image) {
  if (bias)
    ops_.fill_channels(bias, geometry_.channels, image);
  else
    backend_.fill(image.data, count(image.rows, image.cols), 0);
  ops_.col2im(geometry_, patches(), image);
}

void conv_layer::columns_from(const_matrix_view rows) { ops_.rows_to_columns(rows, columns()); }

void conv_layer::columns_to(matrix_view rows) { ops_.columns_to_rows(columns(), rows); }

void conv_layer::correlate(float beta) {
  backend_.gemm(false, false, 1, kernel(weight_), patches(), beta, columns());
}

void conv_layer::spread() { backend_.gemm(true, false, 1, kernel(weight_), columns(), 0, patches()); }

void conv_layer::kernel_grad(float beta) {
  backend_.gemm(false, true, 1, columns(), patches(), beta, kernel(weight_grad_));
}

std::vector<parameter> conv_layer::parameters() {
  return {{"weight", weight_.data(), weight_grad_.data(), weight_.capacity()},
          {"bias", bias_.data(), bias_grad_.data(), bias_.capacity()}};
}

}  // namespace aerec
