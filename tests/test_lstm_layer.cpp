// LSTM layers: outputs against a plain LSTM written here from PyTorch's
// formulas, every gradient against central differences, and what the kind
// refuses.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>

#include "aerec/backend/cpu_backend.h"
#include "aerec/core/error.h"
#include "aerec/nn/layer_registry.h"
#include "aerec/nn/layers/lstm.h"
#include "expect_error.h"
#include "layer_gradients.h"

using namespace aerec;

namespace {

float sigmoid(float z) { return 1 / (1 + std::exp(-z)); }

// Every step's h of a batch-major input, computed one unit at a time in double.
std::vector<double> naive_lstm(const std::vector<float>& x, int rows, int steps, int inputs, int hidden,
                               const std::vector<float>& w_ih, const std::vector<float>& w_hh,
                               const std::vector<float>& bias) {
  std::vector<double> out;
  for (int r = 0; r < rows; ++r) {
    std::vector<double> h(static_cast<std::size_t>(hidden)), c(h.size());
    for (int t = 0; t < steps; ++t) {
      std::vector<double> z(4 * h.size());
      for (std::size_t g = 0; g < z.size(); ++g) {
        double sum = bias[g];
        for (int k = 0; k < inputs; ++k)
          sum +=
              static_cast<double>(w_ih[g * static_cast<std::size_t>(inputs) + static_cast<std::size_t>(k)]) *
              x[static_cast<std::size_t>((r * steps + t) * inputs + k)];
        for (std::size_t k = 0; k < h.size(); ++k) sum += w_hh[g * h.size() + k] * h[k];
        z[g] = sum;
      }
      for (std::size_t j = 0; j < h.size(); ++j) {
        const double i = sigmoid(static_cast<float>(z[j])), f = sigmoid(static_cast<float>(z[h.size() + j]));
        const double g = std::tanh(z[2 * h.size() + j]), o = sigmoid(static_cast<float>(z[3 * h.size() + j]));
        c[j] = f * c[j] + i * g;
        h[j] = o * std::tanh(c[j]);
      }
      out.insert(out.end(), h.begin(), h.end());
    }
  }
  return out;
}

}  // namespace

TEST_CASE("lstm computes PyTorch's LSTM over every step", "[lstm]") {
  auto b = make_cpu_backend(1);
  const int rows = 3, steps = 4, inputs = 3, hidden = 5;
  for (const bool last : {false, true}) {
    auto l = make_layer(*b, lstm_spec(steps, inputs, hidden, last));
    rng random(7);
    l->initialize(init_scheme::pytorch, random);
    const std::vector<parameter> p = l->parameters();
    REQUIRE(p.size() == 3);
    const std::vector<float> w_ih(p[0].value, p[0].value + p[0].size),
        w_hh(p[1].value, p[1].value + p[1].size), bias(p[2].value, p[2].value + p[2].size);
    std::vector<float> x =
        testing::random_vector(random, static_cast<std::size_t>(rows * steps * inputs), -2, 2);
    layer_input in;
    in.dense = {x.data(), rows, steps * inputs};
    const const_matrix_view y = l->forward(in);
    const std::vector<double> want = naive_lstm(x, rows, steps, inputs, hidden, w_ih, w_hh, bias);
    REQUIRE(y.cols == (last ? hidden : steps * hidden));
    for (int r = 0; r < rows; ++r)
      for (int j = 0; j < y.cols; ++j) {
        const int t = last ? steps - 1 : j / hidden, u = last ? j : j % hidden;
        REQUIRE(y.data[r * y.cols + j] ==
                Approx(want[static_cast<std::size_t>((r * steps + t) * hidden + u)]).margin(1e-6));
      }
  }
}

TEST_CASE("lstm initialises as PyTorch does", "[lstm]") {
  auto b = make_cpu_backend(1);
  auto l = make_layer(*b, lstm_spec(2, 3, 16, true));
  rng random(1);
  l->initialize(init_scheme::pytorch, random);
  const float bound = 1 / std::sqrt(16.0f);
  for (const parameter& p : l->parameters()) {
    const float limit = p.name == "bias" ? 2 * bound : bound;  // bias_ih + bias_hh
    float widest = 0;
    for (std::size_t i = 0; i < p.size; ++i) widest = std::max(widest, std::abs(p.value[i]));
    CAPTURE(p.name);
    REQUIRE(widest <= limit);
    REQUIRE(widest > limit / 2);
  }
  l->initialize(init_scheme::xavier, random);
  const std::vector<parameter> p = l->parameters();
  for (std::size_t i = 0; i < p[2].size; ++i) REQUIRE(p[2].value[i] == 0);
  const float input_bound = std::sqrt(6.0f / (3 + 64));
  for (std::size_t i = 0; i < p[0].size; ++i) REQUIRE(std::abs(p[0].value[i]) <= input_bound);
}

TEST_CASE("lstm's gradients match central differences", "[lstm][gradient]") {
  auto b = make_cpu_backend(1);
  for (const int steps : {1, 4})
    for (const bool last : {false, true}) {
      CAPTURE(steps, last);
      auto l = make_layer(*b, lstm_spec(steps, 3, 4, last));
      rng random(11);
      l->initialize(init_scheme::pytorch, random);
      testing::check_layer_gradients(
          *l, testing::random_vector(random, static_cast<std::size_t>(2 * steps * 3), -1, 1), 2, 12, true);
    }
}

TEST_CASE("lstm refuses shapes that disagree and an activation", "[lstm]") {
  layer_spec spec = lstm_spec(4, 3, 5, false);
  REQUIRE(layer_problem(spec).empty());
  spec.output = shape::sequence(3, 5);
  REQUIRE(layer_problem(spec).find("as many steps") != std::string::npos);
  spec = lstm_spec(4, 3, 5, true);
  spec.act = activation::tanh;
  REQUIRE(layer_problem(spec).find("no activation") != std::string::npos);
  spec = lstm_spec(4, 3, 5, true);
  spec.input = shape::features(12);
  REQUIRE(layer_problem(spec).find("takes sequences") != std::string::npos);
}
