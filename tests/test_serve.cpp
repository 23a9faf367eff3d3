// What a page asks of its models (aerec/serve): a ranking model's input is
// implicit feedback, a pair ranks by log-probability plus weighted stars,
// reasons are exact leave-one-out differences, neighbours are the nearest
// output-weight vectors, and each refuses what it cannot do.
#include <catch2/catch.hpp>
#include <cmath>

#include "aerec/backend/cpu_backend.h"
#include "aerec/serve/item_space.h"
#include "aerec/serve/recommender.h"
#include "expect_error.h"

using namespace aerec;
using aerec::testing::error_from;

namespace {

const std::vector<std::int32_t> movie_ids = {10, 20, 30, 40, 50, 60};

model make_model(backend& b, output_kind output, std::uint64_t seed, row_kind rows = row_kind::users) {
  const std::vector<int> hidden = {4};
  auto net = std::make_unique<autoencoder>(
      b, stacked_layers(6, hidden, output == output_kind::ranking ? activation::tanh : activation::sigmoid,
                        activation::identity));
  rng random(seed);
  net->initialize(init_scheme::pytorch, random);
  // Predictions inside the scale, so that clipping hides no change.
  const parameter out_bias = net->parameters().back();
  std::fill(out_bias.value, out_bias.value + out_bias.size, 3.0f);
  return model(std::move(net), id_map(movie_ids), {1, 5}, {rows, output});
}

double log_sum_exp(const std::vector<float>& v) {
  double top = v[0], sum = 0;
  for (const float x : v) top = std::max(top, static_cast<double>(x));
  for (const float x : v) sum += std::exp(x - top);
  return top + std::log(sum);
}

}  // namespace

TEST_CASE("a ranking model takes a user's liked movies as an L2-normalised indicator", "[serve]") {
  auto b = make_cpu_backend();
  model ranking = make_model(*b, output_kind::ranking, 3);
  const std::vector<float> row = {5, 0, 2, 4, 0, 4.5f};
  const sparse_batch input = ranking.network_input(ranking.dense_to_batch(row));
  REQUIRE(input.cols_index == std::vector<int>{0, 3, 5});
  for (const float v : input.values) REQUIRE(v == Approx(1 / std::sqrt(3.0f)));
  // The same row with the low rating left out ranks the same: below 4 is no interaction.
  std::vector<float> without_low = row;
  without_low[2] = 0;
  REQUIRE(ranking.predict_dense(row) == ranking.predict_dense(without_low));
  // A rating model takes the ratings as they are.
  model rating = make_model(*b, output_kind::rating, 4);
  REQUIRE(rating.network_input(rating.dense_to_batch(row)).values == std::vector<float>{5, 2, 4, 4.5f});
}

TEST_CASE("dense rows become a batch of their nonzero entries, in order, wherever they sit", "[serve]") {
  // 37 movies: blocks of eight, halves of four and a tail of five; rows from empty to full.
  auto b = make_cpu_backend();
  std::vector<std::int32_t> ids(37);
  for (std::size_t i = 0; i < ids.size(); ++i) ids[i] = static_cast<std::int32_t>(100 + i);
  const std::vector<int> hidden = {3};
  auto net = std::make_unique<autoencoder>(
      *b, stacked_layers(37, hidden, activation::sigmoid, activation::identity));
  const model m(std::move(net), id_map(ids), {1, 5}, {row_kind::users, output_kind::rating});
  rng random(7);
  std::vector<float> rows;
  for (const float density : {0.0f, 0.03f, 0.1f, 0.3f, 0.7f, 1.0f})
    for (int user = 0; user < 25; ++user)  // 150 rows: past two of dense_to_batch's chunks of 64
      for (std::size_t c = 0; c < ids.size(); ++c)
        rows.push_back(random.uniform() < density ? static_cast<float>(1 + random.next() % 5)
                                                  : (c % 2 ? -0.0f : 0.0f));
  const sparse_batch batch = m.dense_to_batch(rows);
  REQUIRE(batch.rows() == 150);
  REQUIRE(batch.offsets.front() == 0);
  std::size_t at = 0;
  for (int r = 0; r < batch.rows(); ++r) {
    std::vector<int> cols;
    std::vector<float> values;
    for (std::size_t c = 0; c < ids.size(); ++c, ++at)
      if (rows[at] != 0) {
        cols.push_back(static_cast<int>(c));
        values.push_back(rows[at]);
      }
    const auto from = static_cast<std::size_t>(batch.offsets[r]),
               to = static_cast<std::size_t>(batch.offsets[r + 1]);
    CHECK(std::vector<int>(batch.cols_index.begin() + from, batch.cols_index.begin() + to) == cols);
    CHECK(std::vector<float>(batch.values.begin() + from, batch.values.begin() + to) == values);
  }
  // A bad value anywhere, also in the tail, names its movie.
  for (const std::size_t column : {std::size_t{3}, std::size_t{13}, std::size_t{35}}) {
    std::vector<float> row(ids.size(), 0.0f);
    row[column] = std::nanf("");
    REQUIRE_THAT(error_from([&] { (void)m.dense_to_batch(row); })->what(),
                 Catch::Contains("movie " + std::to_string(ids[column])));
    row[column] = 6;
    REQUIRE_THAT(error_from([&] { (void)m.dense_to_batch(row); })->what(), Catch::Contains("outside 1..5"));
  }
}

TEST_CASE("a pair scores log-probability plus weighted stars and recommends unrated movies", "[serve]") {
  auto b = make_cpu_backend();
  model ranking = make_model(*b, output_kind::ranking, 3);
  model rating = make_model(*b, output_kind::rating, 4);
  const float weight = 0.7f;
  recommender pair(&ranking, &rating, weight);
  const std::vector<float> row = {5, 0, 1, 0, 0, 4};
  const user_predictions p = pair.predict(row);
  const std::vector<float> logits = ranking.predict_dense(row);
  const std::vector<float> stars = rating.predict_dense(row);
  REQUIRE(p.stars == stars);
  const double log_z = log_sum_exp(logits);
  for (std::size_t c = 0; c < row.size(); ++c)
    REQUIRE(p.scores[c] == Approx(logits[c] - log_z + weight * stars[c]).margin(1e-5));

  const auto top = pair.recommend(row, 10);
  REQUIRE(top.size() == 3);  // the unrated ones only
  for (std::size_t i = 0; i < top.size(); ++i) {
    REQUIRE(row[static_cast<std::size_t>(top[i].column)] == 0);
    REQUIRE(top[i].stars == stars[static_cast<std::size_t>(top[i].column)]);
    if (i > 0) REQUIRE(top[i].score <= top[i - 1].score);
  }

  // A rating model alone ranks by its predictions and reports them clipped.
  recommender alone(nullptr, &rating);
  for (const auto& r : alone.recommend(row, 3)) REQUIRE(r.score == stars[static_cast<std::size_t>(r.column)]);
}

TEST_CASE("reasons are the ratings whose leaving out lowers a score most, all in one batch", "[serve]") {
  auto b = make_cpu_backend();
  model ranking = make_model(*b, output_kind::ranking, 5);
  model rating = make_model(*b, output_kind::rating, 6);
  recommender pair(&ranking, &rating, 1.0f);
  const std::vector<float> row = {5, 0, 1, 4, 0, 2};
  const std::vector<std::int32_t> asked = {1, 4, 0};
  int batches = 0;
  const batch_scorer counted = [&](std::span<const float> rows) {
    ++batches;
    return pair.scores(rows);
  };
  const auto reasons = explain(counted, row, asked, 2);
  REQUIRE(batches == 1);
  REQUIRE(reasons.size() == asked.size());
  const std::vector<float> full = pair.scores(row);
  for (std::size_t a = 0; a < asked.size(); ++a) {
    const auto c = static_cast<std::size_t>(asked[a]);
    // Every rated movie's effect, one at a time, as the reasons must rank them.
    std::vector<reason> expected;
    for (std::size_t j = 0; j < row.size(); ++j) {
      if (row[j] == 0 || j == c) continue;
      std::vector<float> without = row;
      without[j] = 0;
      const float effect = full[c] - pair.scores(without)[c];
      if (effect > 0) expected.push_back({static_cast<std::int32_t>(j), row[j], effect});
    }
    std::sort(expected.begin(), expected.end(),
              [](const reason& x, const reason& y) { return x.effect > y.effect; });
    if (expected.size() > 2) expected.resize(2);
    REQUIRE(reasons[a].size() == expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
      REQUIRE(reasons[a][i].column == expected[i].column);
      REQUIRE(reasons[a][i].rating == expected[i].rating);
      REQUIRE(reasons[a][i].effect == Approx(expected[i].effect).margin(1e-6));
    }
  }
  // The low ratings count in a pair: some leave-one-out effect of the 1-star rating is non-zero.
  std::vector<float> without_low = row;
  without_low[2] = 0;
  REQUIRE(pair.scores(without_low) != full);
  REQUIRE(error_from([&] { pair.explain(row, std::vector<std::int32_t>{6}, 2); })->code() ==
          error_code::invalid_argument);
}

TEST_CASE("neighbours are the movies whose output weights point the same way", "[serve]") {
  auto b = make_cpu_backend();
  const std::vector<int> hidden = {3};
  auto net =
      std::make_unique<autoencoder>(*b, stacked_layers(4, hidden, activation::sigmoid, activation::identity));
  rng random(1);
  net->initialize(init_scheme::pytorch, random);
  // W of the output layer (3 x 4, inputs x outputs), set so movies 0 and 2 align, 1 is opposite
  // and 3 orthogonal; written through whichever layout the layer keeps it in.
  const float w[3][4] = {{1, -1, 2, 0}, {0, 0, 0, 1}, {1, -1, 2, 0}};
  const parameter p = net->parameters()[2];
  REQUIRE(p.size == 12);
  for (int h = 0; h < 3; ++h)
    for (int c = 0; c < 4; ++c) p.value[p.transposed ? c * 3 + h : h * 4 + c] = w[h][c];
  model m(std::move(net), id_map({7, 8, 9, 11}), {1, 5});
  const item_space space(m);
  const auto near = space.nearest(0, 3);
  REQUIRE(near.size() == 3);
  REQUIRE(near[0].column == 2);
  REQUIRE(near[0].similarity == Approx(1));
  REQUIRE(near[1].column == 3);
  REQUIRE(near[1].similarity == Approx(0).margin(1e-6));
  REQUIRE(near[2].column == 1);
  REQUIRE(near[2].similarity == Approx(-1));
  REQUIRE(error_from([&] { space.nearest(4, 1); })->code() == error_code::invalid_argument);
}

TEST_CASE("a recommender refuses models that do not fit together", "[serve]") {
  auto b = make_cpu_backend();
  model ranking = make_model(*b, output_kind::ranking, 3);
  model rating = make_model(*b, output_kind::rating, 4);
  model items = make_model(*b, output_kind::rating, 4, row_kind::items);
  const auto refused = [](auto&& make) {
    const auto e = error_from(make);
    REQUIRE(e);
    REQUIRE(e->code() == error_code::invalid_argument);
    return std::string(e->what());
  };
  REQUIRE_THAT(refused([&] { recommender(nullptr, nullptr); }), Catch::Contains("needs a ranking model"));
  REQUIRE_THAT(refused([&] { recommender(&rating, nullptr); }), Catch::Contains("does not rank"));
  REQUIRE_THAT(refused([&] { recommender(nullptr, &ranking); }), Catch::Contains("does not predict ratings"));
  REQUIRE_THAT(refused([&] { recommender(nullptr, &items); }), Catch::Contains("item-based"));
  REQUIRE_THAT(refused([&] { recommender(&ranking, &rating, -1); }), Catch::Contains(">= 0"));
  auto net = std::make_unique<autoencoder>(
      *b, stacked_layers(6, std::vector<int>{4}, activation::sigmoid, activation::identity));
  model other(std::move(net), id_map({10, 20, 30, 40, 50, 61}), {1, 5});
  REQUIRE_THAT(refused([&] { recommender(&ranking, &other); }), Catch::Contains("different movies"));
}
