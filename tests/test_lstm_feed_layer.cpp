// The teacher-forcing encoder (lstm_feed): its code is an lstm layer's last
// state over the read steps, set beside each fed step's input; its gradients
// against central differences; the shapes it refuses.
#include <catch2/catch.hpp>

#include "aerec/backend/cpu_backend.h"
#include "aerec/nn/layer_registry.h"
#include "aerec/nn/layers/lstm.h"
#include "aerec/nn/layers/lstm_feed.h"
#include "layer_gradients.h"

using namespace aerec;

TEST_CASE("lstm_feed sets an LSTM's last state over the read steps beside each fed step", "[lstm]") {
  auto b = make_cpu_backend(1);
  const int rows = 3, reads = 4, feed = 2, inputs = 3, hidden = 5;
  auto fed = make_layer(*b, lstm_feed_spec(reads, feed, inputs, hidden));
  auto plain = make_layer(*b, lstm_spec(reads, inputs, hidden, true));
  rng random(7);
  fed->initialize(init_scheme::pytorch, random);
  const std::vector<parameter> from = fed->parameters(), to = plain->parameters();
  REQUIRE(from.size() == to.size());
  for (std::size_t p = 0; p < from.size(); ++p) {
    REQUIRE(from[p].name == to[p].name);
    std::copy_n(from[p].value, from[p].size, to[p].value);
  }
  const int width = (reads + feed) * inputs;
  const std::vector<float> x = testing::random_vector(random, static_cast<std::size_t>(rows * width), -2, 2);
  std::vector<float> read;
  for (int r = 0; r < rows; ++r)
    read.insert(read.end(), x.begin() + r * width, x.begin() + r * width + reads * inputs);
  layer_input in, in_read;
  in.dense = {x.data(), rows, width};
  in_read.dense = {read.data(), rows, reads * inputs};
  const const_matrix_view code = plain->forward(in_read), y = fed->forward(in);
  REQUIRE(y.cols == feed * (hidden + inputs));
  for (int r = 0; r < rows; ++r)
    for (int s = 0; s < feed; ++s) {
      const float* step = y.data + r * y.cols + s * (hidden + inputs);
      for (int j = 0; j < hidden; ++j) CHECK(step[j] == code.data[r * hidden + j]);
      for (int k = 0; k < inputs; ++k)
        CHECK(step[hidden + k] == x[static_cast<std::size_t>(r * width + (reads + s) * inputs + k)]);
    }
}

TEST_CASE("lstm_feed's gradients match central differences", "[lstm][gradient]") {
  auto b = make_cpu_backend(1);
  for (const int feed : {1, 3}) {
    CAPTURE(feed);
    auto l = make_layer(*b, lstm_feed_spec(3, feed, 2, 4));
    rng random(13);
    l->initialize(init_scheme::pytorch, random);
    testing::check_layer_gradients(
        *l, testing::random_vector(random, static_cast<std::size_t>(2 * (3 + feed) * 2), -1, 1), 2, 17, true);
  }
}

TEST_CASE("lstm_feed refuses shapes that leave nothing to read or no room for the code", "[lstm]") {
  layer_spec spec = lstm_feed_spec(4, 2, 3, 5);
  REQUIRE(layer_problem(spec).empty());
  spec.output = shape::sequence(6, 8);
  CHECK(layer_problem(spec).find("at least one step") != std::string::npos);
  spec.output = shape::sequence(2, 3);
  CHECK(layer_problem(spec).find("wider") != std::string::npos);
  spec = lstm_feed_spec(4, 2, 3, 5);
  spec.act = activation::relu;
  CHECK(layer_problem(spec).find("no activation") != std::string::npos);
  spec.input = shape::features(18);
  CHECK(layer_problem(spec).find("sequences") != std::string::npos);
}
