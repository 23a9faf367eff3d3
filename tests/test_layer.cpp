// Dense layer gradients (weights, biases, inputs) against central differences,
// for every activation, with sparse and dense inputs.
#include <catch2/catch.hpp>

#include "aerec/backend/cpu_backend.h"
#include "aerec/data/sparse_batch.h"
#include "aerec/nn/layer_registry.h"
#include "aerec/nn/layers/dense.h"
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
      const double numeric = testing::central_difference(
          p.value[i], [&] { return f(x); }, 1e-3f);
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
    auto l = make_layer(*b, dense_spec(inputs, outputs, act));
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
        const double numeric = testing::central_difference(
            input[i], [&] { return f(x); }, 1e-3f);
        testing::require_close(dx_copy[i], numeric, what + " input[" + std::to_string(i) + "]");
      }
    }
  }
}

TEST_CASE("backward overwrites gradients with beta 0 and accumulates with beta 1", "[layer]") {
  auto b = make_cpu_backend();
  rng random(3);
  auto l = make_layer(*b, dense_spec(inputs, outputs, activation::sigmoid));
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
  auto l = make_layer(*b, dense_spec(in, out, activation::identity));

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

namespace {

// The entries where a by_output layer computes its outputs (rows x outputs).
sparse_batch output_pattern() {
  sparse_batch batch;
  batch.cols = outputs;
  const std::vector<std::int32_t> c0 = {0, 4}, c1 = {}, c2 = {1, 2, 3, 4};
  batch.append_row(c0, std::vector<float>{1, 1});
  batch.append_row(c1, std::vector<float>{});
  batch.append_row(c2, std::vector<float>{1, 1, 1, 1});
  return batch;
}

// L = sum over the pattern's entries of c * y, computed at those entries alone.
struct objective_at {
  layer& l;
  const sparse_view& pattern;
  std::vector<float> c;
  double operator()(const layer_input& x) const {
    const float* y = l.forward_at(x, pattern);
    double sum = 0;
    for (std::size_t i = 0; i < c.size(); ++i) sum += static_cast<double>(c[i]) * y[i];
    return sum;
  }
};

}  // namespace

TEST_CASE("a layer stored by output computes what one stored by input does", "[layer]") {
  auto b = make_cpu_backend();
  for (const activation act : all_activations()) {
    CAPTURE(activation_name(act));
    auto by_input = make_layer(*b, dense_spec(inputs, outputs, act));
    auto by_output = make_layer(*b, dense_spec(inputs, outputs, act), weight_layout::by_output);
    rng r1(5), r2(5);
    by_input->initialize(init_scheme::pytorch, r1);
    by_output->initialize(init_scheme::pytorch, r2);
    const parameter w_in = by_input->parameters()[0], w_out = by_output->parameters()[0];
    REQUIRE(w_out.transposed);
    REQUIRE((w_out.rows == inputs && w_out.cols == outputs));
    // The same draws: W^T holds W's elements.
    REQUIRE(transposed(std::span<const float>(w_in.value, w_in.size), inputs, outputs) ==
            std::vector<float>(w_out.value, w_out.value + w_out.size));

    rng random(9);
    std::vector<float> input = testing::random_vector(random, rows * inputs, -2, 2);
    layer_input x;
    x.dense = {input.data(), rows, inputs};
    const const_matrix_view y1 = by_input->forward(x), y2 = by_output->forward(x);
    for (int i = 0; i < rows * outputs; ++i) REQUIRE(y2.data[i] == Approx(y1.data[i]).margin(1e-6));

    // At the pattern's entries, forward_at gives the full forward's values.
    const sparse_batch pattern_host = output_pattern();
    device_sparse pattern;
    pattern.assign(*b, pattern_host);
    const float* at = by_output->forward_at(x, pattern.view());
    int e = 0;
    for (int r = 0; r < rows; ++r)
      for (int k = pattern_host.offsets[r]; k < pattern_host.offsets[r + 1]; ++k, ++e)
        REQUIRE(at[e] == Approx(y1.data[r * outputs + pattern_host.cols_index[k]]).margin(1e-6));
  }
}

TEST_CASE("gradients of a layer stored by output match central differences", "[layer][gradient]") {
  auto b = make_cpu_backend();
  const sparse_batch pattern_host = output_pattern();
  device_sparse pattern;
  pattern.assign(*b, pattern_host);
  const sparse_view p = pattern.view();
  for (const activation act : all_activations()) {
    const std::string what = std::string(activation_name(act)) + ", by output";
    rng random(7);
    auto l = make_layer(*b, dense_spec(inputs, outputs, act), weight_layout::by_output);
    l->initialize(init_scheme::pytorch, random);
    std::vector<float> input = testing::random_vector(random, rows * inputs, -2, 2);
    layer_input x;
    x.dense = {input.data(), rows, inputs};

    SECTION(what + ", every output") {
      const objective f{*l, testing::random_vector(random, rows * outputs, -1, 1)};
      f(x);
      const const_matrix_view dx = l->backward(x, {f.c.data(), rows, outputs}, 0, true);
      const std::vector<float> dx_copy(dx.data, dx.data + rows * inputs);
      check_parameters(*l, f, x, what);
      for (std::size_t i = 0; i < input.size(); ++i) {
        const double numeric = testing::central_difference(
            input[i], [&] { return f(x); }, 1e-3f);
        testing::require_close(dx_copy[i], numeric, what + " input[" + std::to_string(i) + "]");
      }
    }

    SECTION(what + ", outputs at a pattern") {
      const objective_at f{*l, p, testing::random_vector(random, static_cast<std::size_t>(p.nnz), -1, 1)};
      f(x);
      const const_matrix_view dx = l->backward_at(x, p, f.c.data(), 0, true);
      const std::vector<float> dx_copy(dx.data, dx.data + rows * inputs);
      for (const parameter& param : l->parameters())
        for (std::size_t i = 0; i < param.size; ++i) {
          const double numeric = testing::central_difference(
              param.value[i], [&] { return f(x); }, 1e-3f);
          testing::require_close(param.grad[i], numeric,
                                 what + " " + param.name + "[" + std::to_string(i) + "]");
        }
      for (std::size_t i = 0; i < input.size(); ++i) {
        const double numeric = testing::central_difference(
            input[i], [&] { return f(x); }, 1e-3f);
        testing::require_close(dx_copy[i], numeric, what + " input[" + std::to_string(i) + "]");
      }
      // beta 1 accumulates, as backward does.
      const std::vector<parameter> params = l->parameters();
      const std::vector<float> once(params[1].grad, params[1].grad + params[1].size);
      f(x);
      l->backward_at(x, p, f.c.data(), 1, false);
      for (std::size_t i = 0; i < once.size(); ++i) REQUIRE(params[1].grad[i] == Approx(2 * once[i]));
    }
  }
}
