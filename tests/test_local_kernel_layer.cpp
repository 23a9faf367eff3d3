// Kernel layers (Sparse FC / GLocal-K's local kernel) and the global
// convolution: values against the formulas computed here, gradients against
// central differences, model files.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <functional>

#include "aerec/backend/cpu_backend.h"
#include "aerec/backend/ops/glocal_ops.h"
#include "aerec/data/sparse_batch.h"
#include "aerec/io/model_file.h"
#include "aerec/nn/autoencoder.h"
#include "aerec/nn/layer_registry.h"
#include "aerec/nn/layers/dense.h"
#include "aerec/nn/layers/local_kernel.h"
#include "aerec/nn/model.h"
#include "compact_weights.h"
#include "gradient_check.h"

using namespace aerec;

namespace {

constexpr int rows = 3, inputs = 6, outputs = 4, dim = 2;
constexpr float kernel_weight = 0.7f;

layer_spec kernel_spec(activation act) { return local_kernel_spec(inputs, outputs, act, dim); }

// The points spread over [-0.6, 0.6]^2, so that kernel values range over
// (0, 1] and some pairs lie beyond distance 1 (kernel 0: no weight there).
std::unique_ptr<layer> spread_layer(backend& b, activation act, weight_layout layout, std::uint64_t seed) {
  auto l = make_layer(b, kernel_spec(act), layout);
  rng random(seed);
  l->initialize(init_scheme::xavier, random);
  for (const parameter& p : l->parameters())
    if (p.name.find("points") != std::string::npos)
      for (std::size_t i = 0; i < p.size; ++i) p.value[i] = random.uniform(-0.6f, 0.6f);
  l->set_own_penalty(kernel_weight);
  return l;
}

const parameter& named(const std::vector<parameter>& ps, const std::string& name) {
  return *std::find_if(ps.begin(), ps.end(), [&](const parameter& p) { return p.name == name; });
}

// W * max(0, 1 - |u_i - v_j|^2) as an inputs x outputs matrix.
std::vector<float> effective_weights(layer& l, int* zeros) {
  const std::vector<parameter> ps = l.parameters();
  const parameter& w = named(ps, "weight");
  const std::vector<float> w_in = w.transposed
                                      ? transposed(std::span<const float>(w.value, w.size), outputs, inputs)
                                      : std::vector<float>(w.value, w.value + w.size);
  const float* u = named(ps, "input_points").value;
  const float* v = named(ps, "output_points").value;
  std::vector<float> eff(w_in.size());
  *zeros = 0;
  for (int i = 0; i < inputs; ++i)
    for (int j = 0; j < outputs; ++j) {
      float d2 = 0;
      for (int k = 0; k < dim; ++k)
        d2 += (u[i * dim + k] - v[j * dim + k]) * (u[i * dim + k] - v[j * dim + k]);
      const float kernel = std::max(0.0f, 1 - d2);
      *zeros += kernel == 0;
      eff[static_cast<std::size_t>(i * outputs + j)] =
          w_in[static_cast<std::size_t>(i * outputs + j)] * kernel;
    }
  return eff;
}

// L = sum(c * y) + the layer's kernel penalty.
double objective(layer& l, const layer_input& x, const std::vector<float>& c) {
  const const_matrix_view y = l.forward(x);
  double sum = l.own_penalty();
  for (std::size_t i = 0; i < c.size(); ++i) sum += static_cast<double>(c[i]) * y.data[i];
  return sum;
}

void check_gradients(layer& l, const std::function<double()>& f, std::vector<float>* input,
                     const std::vector<float>& input_grad, const std::string& what) {
  for (const parameter& p : l.parameters())
    for (std::size_t i = 0; i < p.size; ++i) {
      const double numeric = testing::central_difference(p.value[i], f, 1e-3f);
      testing::require_close(p.grad[i], numeric, what + " " + p.name + "[" + std::to_string(i) + "]");
    }
  if (!input) return;
  for (std::size_t i = 0; i < input->size(); ++i) {
    const double numeric = testing::central_difference((*input)[i], f, 1e-3f);
    testing::require_close(input_grad[i], numeric, what + " input[" + std::to_string(i) + "]");
  }
}

}  // namespace

TEST_CASE("a kernel layer computes with W times the local kernel", "[kernel]") {
  auto b = make_cpu_backend();
  for (const weight_layout layout : {weight_layout::by_input, weight_layout::by_output}) {
    auto l = spread_layer(*b, activation::identity, layout, 5);
    int zeros = 0;
    const std::vector<float> eff = effective_weights(*l, &zeros);
    REQUIRE(zeros > 0);  // the check covers weights the kernel removes
    REQUIRE(zeros < inputs * outputs);
    rng random(2);
    std::vector<float> input = testing::random_vector(random, rows * inputs, -1, 1);
    layer_input x;
    x.dense = {input.data(), rows, inputs};
    const const_matrix_view y = l->forward(x);
    const float* bias = named(l->parameters(), "bias").value;
    for (int r = 0; r < rows; ++r)
      for (int j = 0; j < outputs; ++j) {
        double expected = bias[j];
        for (int i = 0; i < inputs; ++i)
          expected += input[static_cast<std::size_t>(r * inputs + i)] *
                      eff[static_cast<std::size_t>(i * outputs + j)];
        REQUIRE(y.data[r * outputs + j] == Approx(expected).margin(1e-5));
      }
  }
}

TEST_CASE("kernel layer gradients, with its kernel penalty, match central differences",
          "[kernel][gradient]") {
  auto b = make_cpu_backend();
  for (const activation act : {activation::sigmoid, activation::identity}) {
    const std::string what = activation_name(act);
    rng random(9);
    const std::vector<float> c = testing::random_vector(random, rows * outputs, -1, 1);
    std::vector<float> input = testing::random_vector(random, rows * inputs, -2, 2);
    layer_input x;
    x.dense = {input.data(), rows, inputs};

    SECTION(what + ", stored by input, dense input") {
      auto l = spread_layer(*b, act, weight_layout::by_input, 5);
      objective(*l, x, c);
      const const_matrix_view dx = l->backward(x, {c.data(), rows, outputs}, 0, true);
      const std::vector<float> dx_copy(dx.data, dx.data + rows * inputs);
      check_gradients(
          *l, [&] { return objective(*l, x, c); }, &input, dx_copy, what);
    }
    SECTION(what + ", stored by input, sparse input") {
      auto l = spread_layer(*b, act, weight_layout::by_input, 6);
      sparse_batch batch;
      batch.cols = inputs;
      batch.append_row(std::vector<std::int32_t>{0, 4}, std::vector<float>{5, 1});
      batch.append_row(std::vector<std::int32_t>{1, 2, 5}, std::vector<float>{3, 2, 4});
      batch.append_row(std::vector<std::int32_t>{3}, std::vector<float>{2});
      device_sparse device;
      device.assign(*b, batch);
      const sparse_view sx = device.view();
      layer_input sparse_x;
      sparse_x.sparse = &sx;
      objective(*l, sparse_x, c);
      l->backward(sparse_x, {c.data(), rows, outputs}, 0, false);
      check_gradients(
          *l, [&] { return objective(*l, sparse_x, c); }, nullptr, {}, what + " sparse");
    }
    SECTION(what + ", stored by output, outputs at a pattern") {
      auto l = spread_layer(*b, act, weight_layout::by_output, 7);
      sparse_batch pattern_host;
      pattern_host.cols = outputs;
      pattern_host.append_row(std::vector<std::int32_t>{0, 3}, std::vector<float>{1, 1});
      pattern_host.append_row(std::vector<std::int32_t>{1}, std::vector<float>{1});
      pattern_host.append_row(std::vector<std::int32_t>{0, 1, 2}, std::vector<float>{1, 1, 1});
      device_sparse pattern;
      pattern.assign(*b, pattern_host);
      const sparse_view p = pattern.view();
      const std::vector<float> cp(c.begin(), c.begin() + p.nnz);
      const auto f = [&] {
        const float* y = l->forward_at(x, p);
        double sum = l->own_penalty();
        for (int e = 0; e < p.nnz; ++e) sum += static_cast<double>(cp[static_cast<std::size_t>(e)]) * y[e];
        return sum;
      };
      f();
      const const_matrix_view dx = l->backward_at(x, p, cp.data(), 0, true);
      const std::vector<float> dx_copy(dx.data, dx.data + rows * inputs);
      check_gradients(*l, f, &input, dx_copy, what + " by output");
    }
  }
}

TEST_CASE("a kernel layer's backward accumulates with beta 1", "[kernel]") {
  auto b = make_cpu_backend();
  auto l = spread_layer(*b, activation::sigmoid, weight_layout::by_input, 5);
  rng random(4);
  std::vector<float> input = testing::random_vector(random, rows * inputs, -1, 1);
  const std::vector<float> c = testing::random_vector(random, rows * outputs, -1, 1);
  layer_input x;
  x.dense = {input.data(), rows, inputs};
  l->forward(x);
  l->backward(x, {c.data(), rows, outputs}, 0, false);
  std::vector<std::vector<float>> once;
  for (const parameter& p : l->parameters()) once.emplace_back(p.grad, p.grad + p.size);
  l->backward(x, {c.data(), rows, outputs}, 1, false);
  const std::vector<parameter> ps = l->parameters();
  for (std::size_t k = 0; k < ps.size(); ++k)
    for (std::size_t i = 0; i < ps[k].size; ++i)
      REQUIRE(ps[k].grad[i] == Approx(2 * once[k][i]).margin(1e-6));
}

TEST_CASE("a dense layer refuses a kernel penalty, and autoencoders check theirs", "[kernel]") {
  auto b = make_cpu_backend();
  auto dense = make_layer(*b, dense_spec(inputs, outputs, activation::sigmoid));
  REQUIRE_THROWS_AS(dense->set_own_penalty(0.1f), error);
  const int hidden[] = {3};
  autoencoder plain(*b, stacked_layers(inputs, hidden, activation::sigmoid, activation::identity));
  penalty_config p;
  p.local_kernel = 0.1f;
  REQUIRE_THROWS_AS(plain.set_penalties(p), error);
  autoencoder kernels(*b,
                      stacked_layers(inputs, hidden, activation::sigmoid, activation::identity, false, dim));
  kernels.set_penalties(p);
  p.contractive = 0.1f;
  REQUIRE_THROWS_AS(kernels.set_penalties(p), error);
  REQUIRE_THROWS_AS(stacked_layers(inputs, hidden, activation::sigmoid, activation::identity, false, -1),
                    error);
}

namespace {

// A model of kernel layers with points spread out (seeded), and one user's batch.
model kernel_model(backend& b, std::uint64_t seed) {
  const int hidden[] = {5, 3};
  auto net = std::make_unique<autoencoder>(
      b, stacked_layers(inputs, hidden, activation::sigmoid, activation::identity, false, dim));
  rng random(seed);
  net->initialize(init_scheme::xavier, random);
  for (const parameter& p : net->parameters())
    if (p.name.find("points") != std::string::npos)
      for (std::size_t i = 0; i < p.size; ++i) p.value[i] = random.uniform(-0.5f, 0.5f);
  return model(std::move(net), id_map({1, 2, 3, 4, 5, 6}), {1, 5});
}

sparse_batch one_user() {
  sparse_batch batch;
  batch.cols = inputs;
  batch.append_row(std::vector<std::int32_t>{0, 4}, std::vector<float>{5, 1});
  return batch;
}

}  // namespace

TEST_CASE("an autoencoder of kernel layers saves and loads exactly", "[kernel][model_file]") {
  auto b = make_cpu_backend();
  model m = kernel_model(*b, 3);
  const sparse_batch batch = one_user();
  const std::vector<float> before = m.network().predict(batch);

  const std::string bytes = serialize_model(m);
  model loaded = deserialize_model(*b, bytes, "kernel model");
  REQUIRE(loaded.network().specs()[1].kind == local_kernel_kind_name);
  REQUIRE(loaded.network().specs()[1].attribute("kernel_dim") == dim);
  REQUIRE(loaded.network().parameter_count() == m.network().parameter_count());
  REQUIRE(loaded.network().predict(batch) == before);
  // A truncated file is refused, not misread.
  REQUIRE_THROWS_AS(deserialize_model(*b, bytes.substr(0, bytes.size() - 9), "kernel model"), error);
}

// The points are matrices too (inputs x dim, outputs x dim): compact files hold them like weights.
TEST_CASE("an autoencoder of kernel layers loads from f16 and q8 files within their precision",
          "[kernel][model_file][weights]") {
  auto b = make_cpu_backend();
  model m = kernel_model(*b, 4);
  const sparse_batch batch = one_user();
  const std::vector<float> before = m.network().predict(batch);
  for (const weight_encoding e : {weight_encoding::f16, weight_encoding::q8}) {
    CAPTURE(weight_encoding_name(e));
    model loaded = deserialize_model(*b, serialize_model(m, e), "kernel model");
    REQUIRE(testing::check_decoded(m, loaded, e) > 0);
    const std::vector<float> after = loaded.network().predict(batch);
    for (std::size_t i = 0; i < after.size(); ++i) REQUIRE(std::fabs(after[i] - before[i]) < 0.05f);
  }
}

TEST_CASE("global_convolve is tf.nn.conv2d's SAME cross-correlation, and its kernel gradient is right",
          "[kernel][gradient]") {
  auto cpu = make_cpu_backend();
  glocal_ops& b = ops<glocal_ops>(*cpu);
  const int r = 4, c = 5, size = 3;
  rng random(8);
  std::vector<float> x = testing::random_vector(random, r * c, -1, 1);
  std::vector<float> k = testing::random_vector(random, size * size, -1, 1);
  std::vector<float> out(r * c);
  b.global_convolve({x.data(), r, c}, k.data(), size, {out.data(), r, c});
  for (int i = 0; i < r; ++i)
    for (int j = 0; j < c; ++j) {
      double expected = 0;
      for (int p = 0; p < size; ++p)
        for (int q = 0; q < size; ++q) {
          const int xi = i + p - 1, xj = j + q - 1;
          if (xi >= 0 && xi < r && xj >= 0 && xj < c) expected += k[p * size + q] * x[xi * c + xj];
        }
      REQUIRE(out[i * c + j] == Approx(expected).margin(1e-6));
    }
  const std::vector<float> weights = testing::random_vector(random, r * c, -1, 1);
  const auto f = [&] {
    b.global_convolve({x.data(), r, c}, k.data(), size, {out.data(), r, c});
    double sum = 0;
    for (std::size_t e = 0; e < out.size(); ++e) sum += static_cast<double>(weights[e]) * out[e];
    return sum;
  };
  std::vector<float> dk(size * size);
  b.global_convolve_kernel_grad({x.data(), r, c}, {weights.data(), r, c}, size, dk.data());
  for (std::size_t t = 0; t < k.size(); ++t)
    testing::require_close(dk[t], testing::central_difference(k[t], f, 1e-3f),
                           "kernel[" + std::to_string(t) + "]");
}
