// A model answers for new users by movie id: predictions, recommendations,
// and clear errors for bad ratings.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include "aerec/backend/cpu_backend.h"
#include "aerec/core/error.h"
#include "aerec/nn/model.h"
#include "expect_error.h"

using namespace aerec;

namespace {

model small_model(backend& b) {
  const std::vector<int> hidden = {3};
  auto net =
      std::make_unique<autoencoder>(b, stacked_layers(5, hidden, activation::sigmoid, activation::identity));
  rng random(2);
  net->initialize(init_scheme::pytorch, random);
  // Large output biases push some raw predictions outside 1..5.
  const parameter out_bias = net->parameters().back();
  const float biases[5] = {9, -4, 3, 2.5f, 0};
  std::copy(biases, biases + 5, out_bias.value);
  return model(std::move(net), id_map({10, 20, 30, 40, 50}), {1, 5});
}

}  // namespace

TEST_CASE("predictions cover every movie in column order, clipped to the scale", "[model]") {
  auto b = make_cpu_backend();
  model m = small_model(*b);
  const std::vector<item_rating> rated = {{20, 4}, {40, 2.5f}};
  const std::vector<float> p = m.predict(rated);
  REQUIRE(p.size() == 5);
  REQUIRE(p[0] == 5.0f);  // raw ~9
  REQUIRE(p[1] == 1.0f);  // raw ~-4
  for (const float v : p) REQUIRE((v >= 1.0f && v <= 5.0f));
  // The same ratings in another order are the same user.
  const std::vector<item_rating> reordered = {{40, 2.5f}, {20, 4}};
  REQUIRE(m.predict(reordered) == p);
}

TEST_CASE("recommendations exclude rated movies and come best first", "[model]") {
  auto b = make_cpu_backend();
  model m = small_model(*b);
  const std::vector<item_rating> rated = {{10, 5}};
  const std::vector<recommendation> top = m.recommend(rated, 10);
  REQUIRE(top.size() == 4);  // five movies, one rated
  for (const recommendation& r : top) REQUIRE(r.item_id != 10);
  REQUIRE(top[0].item_id == 30);  // the largest raw output among the unrated
  for (std::size_t i = 1; i < top.size(); ++i) REQUIRE(top[i - 1].score >= top[i].score);
  REQUIRE(m.recommend(rated, 2).size() == 2);
}

TEST_CASE("a batch of users predicts as each user alone", "[model]") {
  auto b = make_cpu_backend();
  model m = small_model(*b);
  const std::vector<item_rating> first = {{20, 4}, {40, 2.5f}};
  const std::vector<item_rating> second = {{20, 1}, {10, 5}};  // the same movie as first: fine
  const std::vector<item_rating> none;
  const std::span<const item_rating> users[] = {first, none, second};
  const std::vector<float> batch = m.predict_rows(users);
  REQUIRE(batch.size() == 15);
  for (std::size_t u = 0; u < 3; ++u) {
    const std::vector<float> alone = m.predict(users[u]);
    REQUIRE(std::vector<float>(batch.begin() + 5 * u, batch.begin() + 5 * (u + 1)) == alone);
  }
  const std::vector<item_rating> twice = {{30, 4}, {30, 3}};
  const std::span<const item_rating> bad[] = {first, twice};
  const auto e = testing::error_from([&] { m.predict_rows(bad); });
  REQUIRE(e);
  REQUIRE(e->code() == error_code::invalid_argument);
}

TEST_CASE("a user's code is the code layer's activations", "[model]") {
  auto b = make_cpu_backend();
  model m = small_model(*b);
  const std::vector<item_rating> rated = {{20, 4}, {50, 1}};
  const std::vector<float> code = m.encode(rated);
  REQUIRE(code.size() == 3);
  // By hand: sigmoid(x W + b) with W stored inputs x outputs; x is 4 at column 1, 1 at column 4.
  const std::vector<parameter> p = m.network().parameters();
  for (std::size_t j = 0; j < 3; ++j) {
    const float z = 4 * p[0].value[1 * 3 + j] + 1 * p[0].value[4 * 3 + j] + p[1].value[j];
    REQUIRE(code[j] == Approx(1 / (1 + std::exp(-z))).epsilon(1e-6));
  }
}

TEST_CASE("bad ratings from a caller are rejected with a clear error", "[model]") {
  auto b = make_cpu_backend();
  model m = small_model(*b);
  const auto code_of = [&](std::vector<item_rating> r) {
    const auto e = testing::error_from([&] { m.predict(r); });
    return e ? e->code() : error_code::internal;
  };
  REQUIRE(code_of({{99, 4}}) == error_code::unknown_id);
  REQUIRE(code_of({{10, 6}}) == error_code::invalid_argument);
  REQUIRE(code_of({{10, 0}}) == error_code::invalid_argument);
  REQUIRE(code_of({{10, std::numeric_limits<float>::quiet_NaN()}}) == error_code::invalid_argument);
  REQUIRE(code_of({{10, 4}, {10, 3}}) == error_code::invalid_argument);
  REQUIRE_THROWS_WITH(m.predict(std::vector<item_rating>{{99, 4}}), Catch::Contains("99"));
  // The model stays usable after an error.
  REQUIRE(m.predict(std::vector<item_rating>{{10, 4}}).size() == 5);
}

TEST_CASE("dense rows in column order predict as the same ratings by movie id", "[model]") {
  auto b = make_cpu_backend();
  model m = small_model(*b);
  // Columns are the ids 10, 20, 30, 40, 50 in order; 0 is not rated.
  const std::vector<float> rows = {0, 4, 0, 2.5f, 0,   // {20: 4, 40: 2.5}
                                   0, 0, 0, 0,    0,   // nothing rated
                                   5, 1, 0, 0,    0};  // {10: 5, 20: 1}
  const std::vector<item_rating> first = {{20, 4}, {40, 2.5f}}, none, second = {{10, 5}, {20, 1}};
  const std::span<const item_rating> users[] = {first, none, second};
  REQUIRE(m.predict_dense(rows) == m.predict_rows(users));

  const auto message_of = [&](std::vector<float> row) {
    const auto e = testing::error_from([&] { m.predict_dense(row); });
    REQUIRE(e);
    CHECK(e->code() == error_code::invalid_argument);
    return std::string(e->what());
  };
  CHECK_THAT(message_of({0, 0, 6, 0, 0}), Catch::Contains("rating 6 for movie 30 is outside 1..5"));
  CHECK_THAT(message_of({0, 0, 0, 0, std::numeric_limits<float>::quiet_NaN()}),
             Catch::Contains("movie 50 is not a number"));
  CHECK_THAT(message_of({-1, 0, 0, 0, 0}), Catch::Contains("movie 10 is outside"));
}
