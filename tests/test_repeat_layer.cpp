// Repeat layers: the vector at every step, the input gradient as the sum
// over steps (against central differences), and what the kind refuses.
#include <catch2/catch.hpp>

#include "aerec/backend/cpu_backend.h"
#include "aerec/nn/layer_registry.h"
#include "aerec/nn/layers/repeat.h"
#include "layer_gradients.h"

using namespace aerec;

TEST_CASE("repeat copies the vector to every step", "[repeat]") {
  auto b = make_cpu_backend(1);
  auto l = make_layer(*b, repeat_spec(2, 3));
  std::vector<float> x = {1, 2, 3, 4};
  layer_input in;
  in.dense = {x.data(), 2, 2};
  const const_matrix_view y = l->forward(in);
  REQUIRE((y.rows == 2 && y.cols == 6));
  REQUIRE(std::vector<float>(y.data, y.data + 12) == std::vector<float>{1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4});
}

TEST_CASE("repeat's input gradient matches central differences", "[repeat][gradient]") {
  auto b = make_cpu_backend(1);
  auto l = make_layer(*b, repeat_spec(5, 4));
  rng random(3);
  testing::check_layer_gradients(*l, testing::random_vector(random, 3 * 5, -1, 1), 3, 4, true);
}

TEST_CASE("repeat refuses shapes that disagree", "[repeat]") {
  layer_spec spec = repeat_spec(5, 4);
  REQUIRE(layer_problem(spec).empty());
  spec.output = shape::sequence(4, 6);
  REQUIRE(layer_problem(spec).find("must repeat") != std::string::npos);
  spec.output = shape::features(20);
  REQUIRE(layer_problem(spec).find("emits a sequence") != std::string::npos);
}
