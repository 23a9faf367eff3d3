// Embedding layers: each step's row of the table (zeros for padding), the
// rating copied after it, the table's gradient against central differences,
// and what they refuse: ids that are not table rows, and an input gradient.
#include <catch2/catch.hpp>
#include <cmath>

#include "aerec/backend/cpu_backend.h"
#include "aerec/core/error.h"
#include "aerec/nn/layer_registry.h"
#include "aerec/nn/layers/embedding.h"
#include "expect_error.h"
#include "layer_gradients.h"

using namespace aerec;
using Catch::Matchers::Contains;

namespace {

layer_input dense(std::vector<float>& x, int rows) {
  layer_input in;
  in.dense = {x.data(), rows, static_cast<int>(x.size()) / rows};
  return in;
}

}  // namespace

TEST_CASE("embedding looks up each step's row, zeros for padding, the rating after it", "[embedding]") {
  auto b = make_cpu_backend(1);
  const int vocabulary = 5, dims = 3, steps = 3;
  for (const bool rating : {false, true}) {
    CAPTURE(rating);
    auto l = make_layer(*b, embedding_spec(steps, vocabulary, dims, rating));
    rng random(2);
    l->initialize(init_scheme::pytorch, random);
    const parameter w = l->parameters()[0];
    const std::vector<float> ids = {2, 0, 5, 1, 1, 0};  // two rows of three steps
    std::vector<float> x;
    for (std::size_t s = 0; s < ids.size(); ++s) {
      x.push_back(ids[s]);
      if (rating) x.push_back(0.5f * static_cast<float>(s) + 1);
    }
    const const_matrix_view y = l->forward(dense(x, 2));
    const int width = dims + (rating ? 1 : 0);
    REQUIRE((y.rows == 2 && y.cols == steps * width));
    for (std::size_t s = 0; s < ids.size(); ++s) {
      for (int j = 0; j < dims; ++j) {
        const float want = ids[s] == 0 ? 0.0f : w.value[(static_cast<std::size_t>(ids[s]) - 1) * dims + j];
        REQUIRE(y.data[s * width + j] == want);
      }
      if (rating) REQUIRE(y.data[s * width + dims] == 0.5f * static_cast<float>(s) + 1);
    }
  }
}

TEST_CASE("embedding's table gradient matches central differences, padding training nothing",
          "[embedding][gradient]") {
  auto b = make_cpu_backend(1);
  for (const bool rating : {false, true}) {
    CAPTURE(rating);
    auto l = make_layer(*b, embedding_spec(4, 6, 3, rating));
    rng random(4);
    l->initialize(init_scheme::pytorch, random);
    // Id 3 twice (its gradient a sum), id 6 (the last row), padding, and ids 2 and 5 unused.
    const std::vector<float> ids = {3, 1, 0, 3, 6, 0, 0, 4};
    std::vector<float> x;
    for (const float id : ids) {
      x.push_back(id);
      if (rating) x.push_back(random.uniform(1, 5));
    }
    testing::check_layer_gradients(*l, x, 2, 5, false);
    const parameter w = l->parameters()[0];
    for (const int unused : {2, 5})
      for (int j = 0; j < 3; ++j) REQUIRE(w.grad[static_cast<std::size_t>((unused - 1) * 3 + j)] == 0);
  }
}

TEST_CASE("embedding refuses ids outside its table, naming the row, step and value", "[embedding]") {
  auto b = make_cpu_backend(1);
  auto l = make_layer(*b, embedding_spec(2, 4, 3));
  for (const float bad : {-1.0f, 2.5f, 5.0f, NAN, 1e9f}) {
    CAPTURE(bad);
    std::vector<float> x = {1, 2, 4, bad};
    const auto e = testing::error_from([&] { l->forward(dense(x, 2)); });
    REQUIRE(e);
    CHECK(e->code() == error_code::invalid_argument);
    CHECK_THAT(e->what(), Contains("row 1, step 1") && Contains("0..4"));
  }
}

TEST_CASE("embedding is a first layer: it refuses an input gradient", "[embedding]") {
  auto b = make_cpu_backend(1);
  auto l = make_layer(*b, embedding_spec(2, 4, 3));
  std::vector<float> x = {1, 2, 4, 0};
  l->forward(dense(x, 2));
  std::vector<float> dy(12, 1);
  const auto e = testing::error_from([&] { l->backward(dense(x, 2), {dy.data(), 2, 6}, 0, true); });
  REQUIRE(e);
  CHECK(e->code() == error_code::invalid_argument);
  CHECK_THAT(e->what(), Contains("no gradient"));
}

TEST_CASE("embedding initialises as nn.Embedding, or Glorot uniform", "[embedding]") {
  auto b = make_cpu_backend(1);
  auto l = make_layer(*b, embedding_spec(2, 400, 50));
  rng random(9);
  l->initialize(init_scheme::pytorch, random);
  const parameter w = l->parameters()[0];
  double sum = 0, squares = 0;
  for (std::size_t i = 0; i < w.size; ++i) sum += w.value[i], squares += double(w.value[i]) * w.value[i];
  const double n = static_cast<double>(w.size), mean = sum / n;
  CHECK(std::abs(mean) < 0.02);
  CHECK(std::abs(squares / n - mean * mean - 1) < 0.03);
  l->initialize(init_scheme::xavier, random);
  const float bound = std::sqrt(6.0f / 450);
  float widest = 0;
  for (std::size_t i = 0; i < w.size; ++i) widest = std::max(widest, std::abs(w.value[i]));
  CHECK(widest <= bound);
  CHECK(widest > 0.9f * bound);
}

TEST_CASE("embedding refuses shapes and settings that disagree", "[embedding]") {
  REQUIRE(layer_problem(embedding_spec(3, 10, 4, true)).empty());
  layer_spec spec = embedding_spec(3, 10, 4);
  spec.input = shape::sequence(3, 2);
  CHECK_THAT(layer_problem(spec), Contains("1 feature(s) a step"));
  CHECK_THAT(layer_problem(embedding_spec(3, 0, 4)), Contains("vocabulary 0 is outside"));
  spec = embedding_spec(3, 10, 4);
  spec.act = activation::relu;
  CHECK_THAT(layer_problem(spec), Contains("no activation"));
}
