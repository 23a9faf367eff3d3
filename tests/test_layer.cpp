// Dense layer gradients (weights, biases, inputs) against central differences,
// for every activation, with sparse and dense inputs.
#include <catch2/catch.hpp>

#include "aerec/cpu_backend.h"
#include "aerec/layer.h"
#include "aerec/sparse_batch.h"
#include "gradient_check.h"

using namespace aerec;

namespace {

constexpr int rows = 3, inputs = 7, outputs = 5;

// L = sum(c * y) for fixed random c, so dL/dy = c.
struct objective {
  layer& l;
  std::vector<float> c;
  double operator()(const layer_input& x) const {
    const const_matrix_view y = l.forward(x);
    double sum = 0;
    for (std::size_t i = 0; i < c.size(); ++i) sum += static_cast<double>(c[i]) * y.data[i];
    return sum;
  }
};

sparse_batch sample_sparse() {
  sparse_batch batch;
  batch.cols = inputs;
  const std::vector<std::int32_t> c0 = {0, 3, 6}, c1 = {2}, c2 = {1, 3, 4, 5};
  batch.append_row(c0, std::vector<float>{4, 1, 5});
  batch.append_row(c1, std::vector<float>{3});
  batch.append_row(c2, std::vector<float>{2, 5, 4, 1});
  return batch;
}

void check_parameters(layer& l, const objective& f, const layer_input& x, const std::string& what) {
  for (const parameter& p : l.parameters()) {
    for (std::size_t i = 0; i < p.size; ++i) {
      const double numeric = testing::central_difference(p.value[i], [&] { return f(x); }, 1e-3f);
      testing::require_close(p.grad[i], numeric, what + " " + p.name + "[" + std::to_string(i) + "]");
    }
  }
}

}  // namespace

TEST_CASE("dense layer gradients match central differences", "[layer][gradient]") {
  auto b = make_cpu_backend();
  for (const activation act : all_activations()) {
    const std::string what = activation_name(act);
    rng random(7);
    auto l = make_layer(*b, {layer_kind::dense, inputs, outputs, act});
    l->initialize(init_scheme::pytorch, random);
    const objective f{*l, testing::random_vector(random, rows * outputs, -1, 1)};
    const const_matrix_view dy(f.c.data(), rows, outputs);

    SECTION(what + ", sparse input (first layer)") {
      const sparse_batch batch = sample_sparse();
      device_sparse device;
      device.assign(*b, batch);
      const sparse_view sx = device.view();
      layer_input x;
      x.sparse = &sx;
      f(x);
      l->backward(x, dy, 0, false);
      check_parameters(*l, f, x, what);
    }

    SECTION(what + ", dense input") {
      std::vector<float> input = testing::random_vector(random, rows * inputs, -2, 2);
      layer_input x;
      x.dense = {input.data(), rows, inputs};
      f(x);
      const const_matrix_view dx = l->backward(x, dy, 0, true);
      const std::vector<float> dx_copy(dx.data, dx.data + rows * inputs);
      check_parameters(*l, f, x, what);
      for (std::size_t i = 0; i < input.size(); ++i) {
        const double numeric = testing::central_difference(input[i], [&] { return f(x); }, 1e-3f);
        testing::require_close(dx_copy[i], numeric, what + " input[" + std::to_string(i) + "]");
      }
    }
  }
}

TEST_CASE("backward overwrites gradients with beta 0 and accumulates with beta 1", "[layer]") {
  auto b = make_cpu_backend();
  rng random(3);
  auto l = make_layer(*b, {layer_kind::dense, inputs, outputs, activation::sigmoid});
  l->initialize(init_scheme::pytorch, random);
  std::vector<float> input = testing::random_vector(random, rows * inputs, -1, 1);
  std::vector<float> c = testing::random_vector(random, rows * outputs, -1, 1);
  layer_input x;
  x.dense = {input.data(), rows, inputs};
  const const_matrix_view dy(c.data(), rows, outputs);

  l->forward(x);
  l->backward(x, dy, 0, false);
  const std::vector<parameter> p = l->parameters();
  const std::vector<float> once(p[0].grad, p[0].grad + p[0].size);
  l->backward(x, dy, 1, false);
  for (std::size_t i = 0; i < once.size(); ++i) REQUIRE(p[0].grad[i] == Approx(2 * once[i]));
  l->backward(x, dy, 0, false);
  for (std::size_t i = 0; i < once.size(); ++i) REQUIRE(p[0].grad[i] == once[i]);
}

TEST_CASE("initialisation follows PyTorch's nn.Linear and Xavier bounds", "[layer]") {
  auto b = make_cpu_backend();
  rng random(11);
  const int in = 400, out = 30;
  auto l = make_layer(*b, {layer_kind::dense, in, out, activation::identity});

  l->initialize(init_scheme::pytorch, random);
  std::vector<parameter> p = l->parameters();
  const float bound = 1.0f / std::sqrt(float(in));  // kaiming_uniform(a=sqrt(5)) = U(+-1/sqrt(fan_in))
  float w_max = 0, b_max = 0;
  for (std::size_t i = 0; i < p[0].size; ++i) w_max = std::max(w_max, std::abs(p[0].value[i]));
  for (std::size_t i = 0; i < p[1].size; ++i) b_max = std::max(b_max, std::abs(p[1].value[i]));
  REQUIRE(w_max <= bound);
  REQUIRE(w_max > 0.95f * bound);  // 12000 draws reach the edge of the interval
  REQUIRE(b_max <= bound);
  REQUIRE(b_max > 0.5f * bound);

  l->initialize(init_scheme::xavier, random);
  const float xavier = std::sqrt(6.0f / float(in + out));
  w_max = 0;
  for (std::size_t i = 0; i < p[0].size; ++i) w_max = std::max(w_max, std::abs(p[0].value[i]));
  REQUIRE(w_max <= xavier);
  REQUIRE(w_max > 0.95f * xavier);
  for (std::size_t i = 0; i < p[1].size; ++i) REQUIRE(p[1].value[i] == 0.0f);
}
