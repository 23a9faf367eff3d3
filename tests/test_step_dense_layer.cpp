// Per-step dense layers: each step's output is a dense layer's on that step,
// every gradient matches central differences, and what the kind refuses.
#include <catch2/catch.hpp>

#include "aerec/backend/cpu_backend.h"
#include "aerec/nn/layer_registry.h"
#include "aerec/nn/layers/dense.h"
#include "aerec/nn/layers/step_dense.h"
#include "layer_gradients.h"

using namespace aerec;

TEST_CASE("step_dense applies one dense layer at every step", "[step_dense]") {
  auto b = make_cpu_backend(1);
  const int rows = 2, steps = 3, inputs = 4, outputs = 5;
  auto l = make_layer(*b, step_dense_spec(steps, inputs, outputs, activation::tanh));
  auto dense = make_layer(*b, dense_spec(inputs, outputs, activation::tanh));
  rng random(5);
  l->initialize(init_scheme::pytorch, random);
  const std::vector<parameter> from = l->parameters(), to = dense->parameters();
  REQUIRE((from.size() == 2 && from[0].name == "weight" && from[1].name == "bias"));
  for (std::size_t k = 0; k < from.size(); ++k) std::copy_n(from[k].value, from[k].size, to[k].value);
  std::vector<float> x = testing::random_vector(random, rows * steps * inputs, -1, 1);
  layer_input in;
  in.dense = {x.data(), rows, steps * inputs};
  const const_matrix_view y = l->forward(in);
  REQUIRE((y.rows == rows && y.cols == steps * outputs));
  for (int r = 0; r < rows; ++r)
    for (int t = 0; t < steps; ++t) {
      layer_input one;
      one.dense = {x.data() + (r * steps + t) * inputs, 1, inputs};
      const const_matrix_view want = dense->forward(one);
      for (int j = 0; j < outputs; ++j) REQUIRE(y.data[(r * steps + t) * outputs + j] == want.data[j]);
    }
}

TEST_CASE("step_dense's gradients match central differences", "[step_dense][gradient]") {
  auto b = make_cpu_backend(1);
  for (const weight_layout layout : {weight_layout::by_input, weight_layout::by_output}) {
    auto l = make_layer(*b, step_dense_spec(3, 4, 2, activation::sigmoid), layout);
    rng random(8);
    l->initialize(init_scheme::pytorch, random);
    testing::check_layer_gradients(*l, testing::random_vector(random, 2 * 3 * 4, -1, 1), 2, 9, true);
  }
}

TEST_CASE("step_dense refuses shapes that disagree", "[step_dense]") {
  layer_spec spec = step_dense_spec(3, 4, 2, activation::relu);
  REQUIRE(layer_problem(spec).empty());
  spec.output = shape::sequence(2, 2);
  REQUIRE(layer_problem(spec).find("as many steps") != std::string::npos);
  spec.input = shape::features(12);
  REQUIRE(layer_problem(spec).find("sequences") != std::string::npos);
}
