// Convolution layers (conv2d, conv_transpose2d): values against direct
// convolutions written here, conv_transpose2d as conv2d's adjoint, gradients
// against central differences, initialisation, what they refuse, model files.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <functional>

#include "aerec/backend/cpu_backend.h"
#include "aerec/core/error.h"
#include "aerec/data/sparse_batch.h"
#include "aerec/io/model_file.h"
#include "aerec/nn/autoencoder.h"
#include "aerec/nn/layer_registry.h"
#include "aerec/nn/layers/conv2d.h"
#include "aerec/nn/layers/conv_transpose2d.h"
#include "aerec/nn/model.h"
#include "gradient_check.h"

using namespace aerec;

namespace {

// One geometry of each layer kind's tests: in channels x size x size images.
struct geometry {
  int in_channels, size, out_channels, kernel, stride, padding;
};
// Stride 1 and 2, padding 0 and 1; sizes where (size + 2p - k) is a multiple
// of the stride, so that conv_transpose2d maps conv2d's output back to its input shape.
const geometry geometries[] = {{2, 5, 3, 3, 1, 0}, {2, 5, 3, 3, 1, 1}, {3, 7, 2, 3, 2, 0},
                               {2, 7, 3, 3, 2, 1}, {1, 6, 2, 2, 2, 0}, {3, 4, 2, 1, 1, 0}};

std::string describe(const geometry& g) {
  return std::to_string(g.in_channels) + "x" + std::to_string(g.size) + "x" + std::to_string(g.size) +
         " -> " + std::to_string(g.out_channels) + ", kernel " + std::to_string(g.kernel) + ", stride " +
         std::to_string(g.stride) + ", padding " + std::to_string(g.padding);
}

layer_spec conv_of(const geometry& g, activation act) {
  return conv2d_spec(shape::image(g.in_channels, g.size, g.size), g.out_channels, g.kernel, g.stride,
                     g.padding, act);
}

// The conv_transpose2d layer from conv2d's output back to its input's shape.
layer_spec transpose_of(const geometry& g, activation act) {
  const shape out = conv_of(g, act).output;
  return conv_transpose2d_spec(out, g.in_channels, g.kernel, g.stride, g.padding, act);
}

std::unique_ptr<layer> initialized(backend& b, const layer_spec& spec, std::uint64_t seed) {
  auto l = make_layer(b, spec);
  rng random(seed);
  l->initialize(init_scheme::pytorch, random);
  return l;
}

const parameter& named(const std::vector<parameter>& ps, const std::string& name) {
  return *std::find_if(ps.begin(), ps.end(), [&](const parameter& p) { return p.name == name; });
}

// Element (c, i, j) of image n of a batch of rows of shape s, 0 outside the image.
float at(const std::vector<float>& batch, const shape& s, int n, int c, int i, int j) {
  if (i < 0 || j < 0 || i >= s.dim(1) || j >= s.dim(2)) return 0;
  return batch[static_cast<std::size_t>(((n * s.dim(0) + c) * s.dim(1) + i) * s.dim(2) + j)];
}

// PyTorch's nn.Conv2d, directly: out(o, i, j) = b(o) + sum W(o, c, p, q) x(c, i s - pad + p, j s - pad + q).
std::vector<float> direct_conv2d(const layer_spec& spec, const std::vector<float>& x, int rows,
                                 const float* w, const float* bias) {
  const int k = static_cast<int>(spec.attribute("kernel_size")),
            s = static_cast<int>(spec.attribute("stride"));
  const int pad = static_cast<int>(spec.attribute("padding")), in = spec.input.dim(0);
  std::vector<float> out;
  for (int n = 0; n < rows; ++n)
    for (int o = 0; o < spec.output.dim(0); ++o)
      for (int i = 0; i < spec.output.dim(1); ++i)
        for (int j = 0; j < spec.output.dim(2); ++j) {
          double sum = bias[o];
          for (int c = 0; c < in; ++c)
            for (int p = 0; p < k; ++p)
              for (int q = 0; q < k; ++q)
                sum += static_cast<double>(w[((o * in + c) * k + p) * k + q]) *
                       at(x, spec.input, n, c, i * s - pad + p, j * s - pad + q);
          out.push_back(static_cast<float>(sum));
        }
  return out;
}

// PyTorch's nn.ConvTranspose2d, directly: each input element x(c, i, j) adds
// x * W(c, o, p, q) to out(o, i s - pad + p, j s - pad + q), inside the output.
std::vector<float> direct_conv_transpose2d(const layer_spec& spec, const std::vector<float>& x, int rows,
                                           const float* w, const float* bias) {
  const int k = static_cast<int>(spec.attribute("kernel_size")),
            s = static_cast<int>(spec.attribute("stride"));
  const int pad = static_cast<int>(spec.attribute("padding"));
  const int out_c = spec.output.dim(0), h = spec.output.dim(1), wd = spec.output.dim(2);
  std::vector<double> out(static_cast<std::size_t>(rows * spec.outputs()));
  for (int n = 0; n < rows; ++n)
    for (int o = 0; o < out_c; ++o)
      for (int e = 0; e < h * wd; ++e) out[static_cast<std::size_t>((n * out_c + o) * h * wd + e)] = bias[o];
  for (int n = 0; n < rows; ++n)
    for (int c = 0; c < spec.input.dim(0); ++c)
      for (int i = 0; i < spec.input.dim(1); ++i)
        for (int j = 0; j < spec.input.dim(2); ++j)
          for (int o = 0; o < out_c; ++o)
            for (int p = 0; p < k; ++p)
              for (int q = 0; q < k; ++q) {
                const int oi = i * s - pad + p, oj = j * s - pad + q;
                if (oi < 0 || oj < 0 || oi >= h || oj >= wd) continue;
                out[static_cast<std::size_t>(((n * out_c + o) * h + oi) * wd + oj)] +=
                    static_cast<double>(at(x, spec.input, n, c, i, j)) * w[((c * out_c + o) * k + p) * k + q];
              }
  return {out.begin(), out.end()};
}

void require_near(const_matrix_view y, const std::vector<float>& expected) {
  REQUIRE(static_cast<std::size_t>(y.rows * y.cols) == expected.size());
  for (std::size_t e = 0; e < expected.size(); ++e) REQUIRE(y.data[e] == Approx(expected[e]).margin(1e-5));
}

// L = sum(c * y).
double objective(layer& l, const layer_input& x, const std::vector<float>& c) {
  const const_matrix_view y = l.forward(x);
  double sum = 0;
  for (std::size_t i = 0; i < c.size(); ++i) sum += static_cast<double>(c[i]) * y.data[i];
  return sum;
}

void check_gradients(layer& l, const layer_input& x, std::vector<float>& input, const std::string& what) {
  constexpr int rows = 2;
  rng random(11);
  const std::vector<float> c = testing::random_vector(random, std::size_t(rows * l.spec().outputs()), -1, 1);
  objective(l, x, c);
  const const_matrix_view dx = l.backward(x, {c.data(), rows, l.spec().outputs()}, 0, true);
  const std::vector<float> dx_copy(dx.data, dx.data + input.size());
  const auto f = [&] { return objective(l, x, c); };
  for (const parameter& p : l.parameters())
    for (std::size_t i = 0; i < p.size; ++i)
      testing::require_close(p.grad[i], testing::central_difference(p.value[i], f, 1e-3f),
                             what + " " + p.name + "[" + std::to_string(i) + "]");
  for (std::size_t i = 0; i < input.size(); ++i)
    testing::require_close(dx_copy[i], testing::central_difference(input[i], f, 1e-3f),
                           what + " input[" + std::to_string(i) + "]");
}

}  // namespace

TEST_CASE("conv2d and conv_transpose2d compute PyTorch's convolutions", "[conv]") {
  auto b = make_cpu_backend();
  constexpr int rows = 3;
  for (const geometry& g : geometries) {
    CAPTURE(describe(g));
    for (const layer_spec& spec : {conv_of(g, activation::identity), transpose_of(g, activation::identity)}) {
      CAPTURE(spec.kind);
      auto l = initialized(*b, spec, 4);
      rng random(5);
      const std::vector<float> input =
          testing::random_vector(random, std::size_t(rows * spec.inputs()), -1, 1);
      layer_input x;
      x.dense = {input.data(), rows, spec.inputs()};
      const std::vector<parameter> ps = l->parameters();
      const float *w = named(ps, "weight").value, *bias = named(ps, "bias").value;
      require_near(l->forward(x), spec.kind == conv2d_kind_name
                                      ? direct_conv2d(spec, input, rows, w, bias)
                                      : direct_conv_transpose2d(spec, input, rows, w, bias));
    }
  }
}

TEST_CASE("conv_transpose2d is conv2d's adjoint: <conv(x), y> = <x, conv_t(y)>", "[conv]") {
  auto b = make_cpu_backend();
  constexpr int rows = 2;
  for (const geometry& g : geometries) {
    CAPTURE(describe(g));
    auto conv = initialized(*b, conv_of(g, activation::identity), 6);
    auto conv_t = make_layer(*b, transpose_of(g, activation::identity));
    // Shared weights, no bias: both maps are then linear.
    const parameter w = named(conv->parameters(), "weight"), w_t = named(conv_t->parameters(), "weight");
    REQUIRE(w.size == w_t.size);
    std::copy(w.value, w.value + w.size, w_t.value);
    std::fill_n(named(conv->parameters(), "bias").value, g.out_channels, 0.0f);
    rng random(7);
    const int n_in = conv->spec().inputs(), n_out = conv->spec().outputs();
    const std::vector<float> xs = testing::random_vector(random, std::size_t(rows * n_in), -1, 1);
    const std::vector<float> ys = testing::random_vector(random, std::size_t(rows * n_out), -1, 1);
    layer_input x, y;
    x.dense = {xs.data(), rows, n_in};
    y.dense = {ys.data(), rows, n_out};
    const const_matrix_view cx = conv->forward(x), ty = conv_t->forward(y);
    double left = 0, right = 0;
    for (std::size_t i = 0; i < ys.size(); ++i) left += static_cast<double>(cx.data[i]) * ys[i];
    for (std::size_t i = 0; i < xs.size(); ++i) right += static_cast<double>(ty.data[i]) * xs[i];
    REQUIRE(left == Approx(right).margin(1e-5));
  }
}

TEST_CASE("convolution layer gradients match central differences", "[conv][gradient]") {
  auto b = make_cpu_backend();
  constexpr int rows = 2;
  for (const geometry& g : geometries)
    for (const activation act : {activation::sigmoid, activation::tanh})
      for (const bool transposed : {false, true}) {
        const layer_spec spec = transposed ? transpose_of(g, act) : conv_of(g, act);
        const std::string what = spec.kind + " " + describe(g) + " " + activation_name(act);
        auto l = initialized(*b, spec, 8);
        rng random(9);
        std::vector<float> input = testing::random_vector(random, std::size_t(rows * spec.inputs()), -1, 1);
        layer_input x;
        x.dense = {input.data(), rows, spec.inputs()};
        check_gradients(*l, x, input, what);
      }
}

TEST_CASE("a convolution layer's backward accumulates with beta 1", "[conv]") {
  auto b = make_cpu_backend();
  const geometry g{2, 7, 3, 3, 2, 1};
  for (const layer_spec& spec : {conv_of(g, activation::relu), transpose_of(g, activation::relu)}) {
    CAPTURE(spec.kind);
    auto l = initialized(*b, spec, 3);
    rng random(4);
    const std::vector<float> input = testing::random_vector(random, std::size_t(2 * spec.inputs()), -1, 1);
    const std::vector<float> c = testing::random_vector(random, std::size_t(2 * spec.outputs()), -1, 1);
    layer_input x;
    x.dense = {input.data(), 2, spec.inputs()};
    l->forward(x);
    l->backward(x, {c.data(), 2, spec.outputs()}, 0, false);
    std::vector<std::vector<float>> once;
    for (const parameter& p : l->parameters()) once.emplace_back(p.grad, p.grad + p.size);
    l->backward(x, {c.data(), 2, spec.outputs()}, 1, false);
    const std::vector<parameter> ps = l->parameters();
    for (std::size_t k = 0; k < ps.size(); ++k)
      for (std::size_t i = 0; i < ps[k].size; ++i)
        REQUIRE(ps[k].grad[i] == Approx(2 * once[k][i]).margin(1e-6));
  }
}

TEST_CASE("convolution layers start as PyTorch's and Keras's do", "[conv]") {
  auto b = make_cpu_backend();
  // conv2d 3 -> 8 (fan_in 3*9, fan_out 8*9); conv_transpose2d 8 -> 3 (PyTorch's weight (8, 3, 3, 3): the same
  // fans).
  const layer_spec conv = conv2d_spec(shape::image(3, 6, 6), 8, 3, 1, 1, activation::relu);
  const layer_spec conv_t = conv_transpose2d_spec(shape::image(8, 6, 6), 3, 3, 1, 1, activation::relu);
  for (const layer_spec& spec : {conv, conv_t}) {
    CAPTURE(spec.kind);
    for (const init_scheme scheme : {init_scheme::pytorch, init_scheme::xavier}) {
      CAPTURE(init_scheme_name(scheme));
      auto l = make_layer(*b, spec);
      rng random(1);
      l->initialize(scheme, random);
      const double fan_in = 27, fan_out = 72;
      const double bound =
          scheme == init_scheme::pytorch ? 1 / std::sqrt(fan_in) : std::sqrt(6 / (fan_in + fan_out));
      const parameter w = named(l->parameters(), "weight"), bias = named(l->parameters(), "bias");
      const auto [lo, hi] = std::minmax_element(w.value, w.value + w.size);
      CHECK(*lo >= -bound);
      CHECK(*hi <= bound);
      CHECK(*hi - *lo > 1.8 * bound);  // spread over the whole range
      const auto [blo, bhi] = std::minmax_element(bias.value, bias.value + bias.size);
      if (scheme == init_scheme::xavier) {
        CHECK(*blo == 0);
        CHECK(*bhi == 0);
      } else {
        CHECK(*blo >= -bound);
        CHECK(*bhi <= bound);
        CHECK(*bhi > *blo);
      }
    }
  }
}

TEST_CASE("convolution layers refuse sparse inputs, rated outputs and a penalty of their own", "[conv]") {
  auto b = make_cpu_backend();
  const geometry g{1, 4, 2, 3, 1, 1};
  for (const layer_spec& spec : {conv_of(g, activation::relu), transpose_of(g, activation::relu)}) {
    CAPTURE(spec.kind);
    auto l = initialized(*b, spec, 2);
    sparse_batch batch;
    batch.cols = spec.inputs();
    batch.append_row(std::vector<std::int32_t>{0, 3}, std::vector<float>{5, 1});
    device_sparse device;
    device.assign(*b, batch);
    const sparse_view sx = device.view();
    layer_input sparse_x;
    sparse_x.sparse = &sx;
    CHECK_THROWS_WITH(l->forward(sparse_x), Catch::Contains("takes dense images"));
    std::vector<float> input(std::size_t(spec.inputs()), 0.5f);
    layer_input x;
    x.dense = {input.data(), 1, spec.inputs()};
    CHECK_THROWS_WITH(l->forward_at(x, sx), Catch::Contains("not outputs at rated entries"));
    const float d = 1;
    CHECK_THROWS_WITH(l->backward_at(x, sx, &d, 0, false), Catch::Contains("not outputs at rated entries"));
    l->set_own_penalty(0);
    CHECK_THROWS_AS(l->set_own_penalty(0.1f), error);
  }
}

TEST_CASE("an autoencoder of convolution layers saves and loads its specs and parameters exactly",
          "[conv][model_file]") {
  auto b = make_cpu_backend();
  // 1x8x8 -> 4x4x4 (3x3, stride 2, padding 1) -> back to 1x8x8 (4x4, stride 2, padding 1).
  const layer_spec down = conv2d_spec(shape::image(1, 8, 8), 4, 3, 2, 1, activation::relu);
  const layer_spec up = conv_transpose2d_spec(down.output, 1, 4, 2, 1, activation::sigmoid);
  REQUIRE(down.output == shape::image(4, 4, 4));
  REQUIRE(up.output == shape::image(1, 8, 8));
  auto net = std::make_unique<autoencoder>(*b, std::vector<layer_spec>{down, up});
  rng random(3);
  net->initialize(init_scheme::xavier, random);
  std::vector<std::int32_t> ids(64);
  for (std::size_t i = 0; i < ids.size(); ++i) ids[i] = static_cast<std::int32_t>(i + 1);
  model m(std::move(net), id_map(ids), {0, 1});

  const std::string bytes = serialize_model(m);
  model loaded = deserialize_model(*b, bytes, "conv model");
  REQUIRE(loaded.network().specs() == m.network().specs());
  const std::vector<parameter> before = m.network().parameters(), after = loaded.network().parameters();
  REQUIRE(after.size() == before.size());
  for (std::size_t k = 0; k < before.size(); ++k) {
    CAPTURE(before[k].name);
    REQUIRE(std::vector<float>(after[k].value, after[k].value + after[k].size) ==
            std::vector<float>(before[k].value, before[k].value + before[k].size));
  }
  REQUIRE_THROWS_AS(deserialize_model(*b, bytes.substr(0, bytes.size() - 9), "conv model"), error);
}

// Patches of 72 x 900 floats an image: the layers take such a batch a chunk
// of one image at a time (conv_layer.cpp's patch_budget).
TEST_CASE("a batch in chunks gives what its images give one by one", "[conv]") {
  auto b = make_cpu_backend();
  const geometry g{8, 30, 4, 3, 1, 1};
  constexpr int rows = 3;
  for (const layer_spec& spec : {conv_of(g, activation::tanh), transpose_of(g, activation::tanh)}) {
    CAPTURE(spec.kind);
    auto l = initialized(*b, spec, 5);
    rng random(6);
    const int n_in = spec.inputs(), n_out = spec.outputs();
    const std::vector<float> input = testing::random_vector(random, std::size_t(rows * n_in), -1, 1);
    const std::vector<float> c = testing::random_vector(random, std::size_t(rows * n_out), -1, 1);
    const std::vector<parameter> ps = l->parameters();
    const float *w = named(ps, "weight").value, *bias = named(ps, "bias").value;
    std::vector<float> expected = spec.kind == conv2d_kind_name
                                      ? direct_conv2d(spec, input, rows, w, bias)
                                      : direct_conv_transpose2d(spec, input, rows, w, bias);
    for (float& v : expected) v = std::tanh(v);
    layer_input x;
    x.dense = {input.data(), rows, n_in};
    require_near(l->forward(x), expected);
    const const_matrix_view dx = l->backward(x, {c.data(), rows, n_out}, 0, true);
    const std::vector<float> batch_dx(dx.data, dx.data + rows * n_in);
    std::vector<std::vector<float>> batch_grads;
    for (const parameter& p : ps) batch_grads.emplace_back(p.grad, p.grad + p.size);
    for (int r = 0; r < rows; ++r) {
      layer_input one;
      one.dense = {input.data() + r * n_in, 1, n_in};
      l->forward(one);
      const const_matrix_view one_dx =
          l->backward(one, {c.data() + r * n_out, 1, n_out}, r == 0 ? 0 : 1, true);
      for (int i = 0; i < n_in; ++i)
        REQUIRE(one_dx.data[i] == Approx(batch_dx[std::size_t(r * n_in + i)]).margin(1e-5));
    }
    for (std::size_t k = 0; k < ps.size(); ++k)
      for (std::size_t i = 0; i < ps[k].size; ++i)
        REQUIRE(ps[k].grad[i] == Approx(batch_grads[k][i]).margin(1e-4));
  }
}

// Stride 1 takes conv_ops' direct convolutions, in blocks of output channels
// (4 forward, 2 for the kernel gradient) and groups of nine kernel entries:
// 5x5 kernels to 5 and 6 channels leave remainders of each; 3x3 kernels
// between 8 to 16 channels, odd and even sizes and paddings 0 to 2, as the
// image presets' layers have them. With an identity activation the outputs
// and the gradients of <c, conv(x)> are exact sums, checked here in double
// (larger kernels than the central differences above resolve).
TEST_CASE("stride-1 convolutions' gradients are the exact sums, for any block of channels and kernel entries",
          "[conv][gradient]") {
  auto b = make_cpu_backend();
  constexpr int rows = 3;
  for (const geometry& g :
       {geometry{3, 9, 5, 5, 1, 2}, geometry{2, 8, 6, 5, 1, 0}, geometry{4, 7, 1, 3, 1, 1},
        geometry{8, 9, 10, 3, 1, 1}, geometry{9, 6, 8, 3, 1, 0}, geometry{8, 5, 13, 3, 1, 2},
        geometry{16, 14, 16, 3, 1, 1}}) {
    CAPTURE(describe(g));
    const layer_spec spec = conv_of(g, activation::identity);
    auto l = initialized(*b, spec, 12);
    rng random(13);
    const std::vector<float> input = testing::random_vector(random, std::size_t(rows * spec.inputs()), -1, 1);
    const std::vector<float> c = testing::random_vector(random, std::size_t(rows * spec.outputs()), -1, 1);
    layer_input x;
    x.dense = {input.data(), rows, spec.inputs()};
    const const_matrix_view y = l->forward(x);
    const std::vector<parameter> ps = l->parameters();
    require_near(y, direct_conv2d(spec, input, rows, named(ps, "weight").value, named(ps, "bias").value));
    const const_matrix_view dx = l->backward(x, {c.data(), rows, spec.outputs()}, 0, true);
    // The input gradient: the adjoint, a transposed convolution of c by the same kernels.
    const std::vector<float> zero(std::size_t(g.in_channels), 0.0f);
    require_near(dx, direct_conv_transpose2d(transpose_of(g, activation::identity), c, rows,
                                             named(ps, "weight").value, zero.data()));
    // The kernel gradient: each entry's products of c with the input it met.
    const int k = g.kernel, out = spec.output.dim(1);
    const float* dw = named(ps, "weight").grad;
    for (int o = 0; o < g.out_channels; ++o)
      for (int ch = 0; ch < g.in_channels; ++ch)
        for (int p = 0; p < k; ++p)
          for (int q = 0; q < k; ++q) {
            double sum = 0;
            for (int n = 0; n < rows; ++n)
              for (int i = 0; i < out; ++i)
                for (int j = 0; j < out; ++j)
                  sum += static_cast<double>(c[std::size_t(((n * g.out_channels + o) * out + i) * out + j)]) *
                         at(input, spec.input, n, ch, i - g.padding + p, j - g.padding + q);
            REQUIRE(dw[((o * g.in_channels + ch) * k + p) * k + q] == Approx(sum).margin(1e-5));
          }
  }
}
