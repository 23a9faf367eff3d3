// The sequence autoencoder's network, its input rows, a model's next movies
// and their errors, a model file's round trip, and training on an order.
#include <catch2/catch.hpp>
#include <numeric>

#include "aerec/backend/cpu_backend.h"
#include "aerec/core/error.h"
#include "aerec/io/model_file.h"
#include "aerec/nn/autoencoder.h"
#include "aerec/nn/model.h"
#include "aerec/nn/sequence_layers.h"
#include "aerec/train/sequence_trainer.h"
#include "aerec/train/train_config.h"
#include "expect_error.h"
#include "temp_dir.h"

using namespace aerec;

namespace {

sequence_config small_config() {
  return {.length = 4, .steps = 2, .embedding = 6, .hidden = 8, .with_rating = false};
}

// A trained-from-scratch sequence model over `items` movies with ids 101, 102, ...
model small_model(backend& b, int items, const sequence_config& c = small_config()) {
  auto net = std::make_unique<autoencoder>(b, seq2seq_layers(items, c));
  rng random(5);
  net->initialize(init_scheme::pytorch, random);
  std::vector<std::int32_t> ids(static_cast<std::size_t>(items));
  std::iota(ids.begin(), ids.end(), 101);
  return model(std::move(net), id_map(ids), {1, 5}, sequence_meaning());
}

template <class F>
void expect_error(error_code code, const std::string& text, F&& call) {
  const std::optional<error> e = testing::error_from(call);
  REQUIRE(e);
  CHECK(e->code() == code);
  CHECK(std::string(e->what()).find(text) != std::string::npos);
}

}  // namespace

TEST_CASE("seq2seq layers form a sequence autoencoder whose code is the encoder's last state",
          "[sequences]") {
  const std::vector<layer_spec> specs = seq2seq_layers(30, small_config());
  CHECK(layer_chain_problem(specs).empty());
  CHECK(reads_sequences(specs));
  const sequence_shape s = sequence_shape_of(specs);
  CHECK(s.length == 4);
  CHECK(s.steps == 2);
  CHECK(s.vocabulary == 30);
  CHECK(s.input_width() == 4);
  CHECK(autoencoder::code_layer_of(specs) == 1);
  CHECK(specs[1].output == shape::features(8));
  CHECK(specs.back().output == shape::sequence(2, 30));

  std::vector<layer_spec> wrong = specs;
  wrong.back() = seq2seq_layers(31, small_config()).back();
  CHECK(layer_chain_problem(wrong).find("layer 4 does not fit") == std::string::npos);
  CHECK_FALSE(layer_chain_problem(wrong).empty());
  CHECK_THROWS_AS(
      sequence_shape_of(stacked_layers(30, std::vector<int>{4}, activation::sigmoid, activation::identity)),
      error);
  CHECK_THROWS_AS(seq2seq_layers(30, {.length = 0}), error);
}

TEST_CASE("a sequence row holds the last movies, left-padded, with ratings when asked", "[sequences]") {
  const sequence_shape plain{3, 0, 1, 10, false}, rated{3, 0, 1, 10, true};
  std::vector<float> row(3);
  const std::vector<std::int32_t> two = {4, 0}, five = {1, 2, 3, 4, 5};
  write_sequence_row(plain, two, {}, row);
  CHECK(row == std::vector<float>{0, 5, 1});
  write_sequence_row(plain, five, {}, row);
  CHECK(row == std::vector<float>{4, 5, 6});
  std::vector<float> wide(6);
  const std::vector<float> stars = {4, 2.5f};
  write_sequence_row(rated, two, stars, wide);
  CHECK(wide == std::vector<float>{0, 0, 5, 4, 1, 2.5f});
}

TEST_CASE("with teacher forcing, the decoder steps read the code beside the movie before each target",
          "[sequences]") {
  sequence_config c = small_config();
  c.teacher_forcing = true;
  const std::vector<layer_spec> specs = seq2seq_layers(30, c);
  CHECK(layer_chain_problem(specs).empty());
  REQUIRE(specs.size() == 4);
  CHECK(specs[0].input == shape::sequence(6, 1));  // 4 read, 2 fed
  CHECK(specs[1].output == shape::sequence(2, 8 + 6));
  const sequence_shape s = sequence_shape_of(specs);
  CHECK(s.length == 4);
  CHECK(s.fed == 2);
  CHECK(s.input_width() == 6);

  // A row: the last 4 movies, then the last one again (it comes before the next), then a target.
  const sequence_shape plain{3, 3, 1, 10, false}, rated{3, 2, 1, 10, true};
  const std::vector<std::int32_t> two = {4, 0}, targets = {7, 8, 9};
  std::vector<float> row(6);
  write_sequence_row(plain, two, {}, row);
  CHECK(row == std::vector<float>{0, 5, 1, 1, 0, 0});
  write_fed_targets(plain, targets, {}, row);
  CHECK(row == std::vector<float>{0, 5, 1, 1, 8, 9});
  write_sequence_row(plain, {}, {}, row);
  CHECK(row == std::vector<float>(6, 0.0f));
  std::vector<float> wide(10);
  const std::vector<float> stars = {4, 2.5f}, target_stars = {3, 1};
  write_sequence_row(rated, two, stars, wide);
  write_fed_targets(rated, std::span(targets).first(1), std::span(target_stars).first(1), wide);
  CHECK(wide == std::vector<float>{0, 0, 5, 4, 1, 2.5f, 1, 2.5f, 8, 3});
}

TEST_CASE("a sequence model ranks the next movies, leaves rated ones out and refuses bad input",
          "[sequences]") {
  const std::unique_ptr<backend> b = make_cpu_backend(1);
  model m = small_model(*b, 12);
  CHECK(m.sequences());
  CHECK(m.ranks());
  CHECK(m.user_input_problem().find("a sequence model") == 0);
  const std::vector<item_rating> history = {{103, 4}, {101, 5}, {107, 2}};
  const std::vector<recommendation> top = m.next_items(history, 20);
  REQUIRE(top.size() == 9);
  for (std::size_t i = 0; i < top.size(); ++i) {
    CHECK(top[i].item_id != 101);
    CHECK(top[i].item_id != 103);
    CHECK(top[i].item_id != 107);
    if (i > 0) CHECK(top[i - 1].score >= top[i].score);
  }
  // The scores are the first step's, in column order.
  const std::vector<std::vector<std::int32_t>> cols = {{2, 0, 6}};
  const std::vector<float> scores = m.next_scores(cols, {});
  REQUIRE(scores.size() == 12);
  CHECK(scores[static_cast<std::size_t>(top[0].item_id - 101)] == top[0].score);

  expect_error(error_code::unknown_id, "999", [&] { m.next_items(std::vector<item_rating>{{999, 3}}, 3); });
  expect_error(error_code::invalid_argument, "rated twice", [&] {
    m.next_items(std::vector<item_rating>{{101, 3}, {101, 4}}, 3);
  });
  expect_error(error_code::invalid_argument, "outside", [&] {
    m.next_items(std::vector<item_rating>{{101, 9}}, 3);
  });

  auto net = std::make_unique<autoencoder>(
      *b, stacked_layers(12, std::vector<int>{4}, activation::sigmoid, activation::identity));
  std::vector<std::int32_t> ids(12);
  std::iota(ids.begin(), ids.end(), 101);
  model plain(std::move(net), id_map(ids), {1, 5});
  expect_error(error_code::invalid_argument, "not a sequence model", [&] { plain.next_items(history, 3); });
}

TEST_CASE("a sequence model file reads back with the same next movies", "[sequences][model_file]") {
  const std::unique_ptr<backend> b = make_cpu_backend(1);
  sequence_config c = small_config();
  c.with_rating = true;
  c.teacher_forcing = GENERATE(false, true);
  model m = small_model(*b, 15, c);
  testing::temp_dir dir;
  save_model(dir.path() / "seq.aerec", m);
  model back = load_model(*b, dir.path() / "seq.aerec");
  CHECK(back.meaning() == sequence_meaning());
  const std::vector<item_rating> history = {{110, 4}, {102, 1}};
  const std::vector<recommendation> a = m.next_items(history, 5), z = back.next_items(history, 5);
  REQUIRE(a.size() == z.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].item_id == z[i].item_id);
    CHECK(a[i].score == z[i].score);
  }
  // The rating is an input: another rating of the same movies scores otherwise.
  const std::vector<item_rating> other = {{110, 1}, {102, 5}};
  CHECK(m.next_items(other, 1)[0].score != a[0].score);
}

TEST_CASE("windows cover every position after a user's first movie", "[sequences]") {
  user_histories h;
  h.columns = {{3, 1, 2}, {5}, {}, {0, 4}};
  h.ratings = {{1, 2, 3}, {4}, {}, {5, 5}};
  const std::vector<history_window> w = windows_of(h);
  REQUIRE(w.size() == 3);
  CHECK((w[0].user == 0 && w[0].at == 1));
  CHECK((w[1].user == 0 && w[1].at == 2));
  CHECK((w[2].user == 3 && w[2].at == 1));
}

TEST_CASE("the sequence trainer learns a fixed successor", "[sequences][trainer]") {
  const std::unique_ptr<backend> b = make_cpu_backend(1);
  sequence_config c = small_config();
  c.teacher_forcing = GENERATE(false, true);
  model m = small_model(*b, 10, c);
  // Every user watches m, m+1, m+2, ... from a start of their own.
  user_histories h;
  for (int u = 0; u < 20; ++u) {
    h.columns.emplace_back();
    for (int k = 0; k < 6; ++k) h.columns.back().push_back((u + k) % 10);
    h.ratings.emplace_back(6, 3.0f);
  }
  train_config config = preset("seq2seq");
  config.optimizer.lr = 0.02f;
  config.batch_size = 8;
  sequence_trainer trainer(m.network(), config);
  const double first = trainer.run_epoch(h).train_loss;
  double last = first;
  for (int e = 0; e < 40; ++e) last = trainer.run_epoch(h).train_loss;
  CHECK(trainer.epochs_done() == 41);
  CHECK(last < first / 4);
  const std::vector<item_rating> history = {{104, 3}, {105, 3}, {106, 3}};
  CHECK(m.next_items(history, 1)[0].item_id == 107);
}

TEST_CASE("dropout in sequence training masks the code layer's output, and prediction not",
          "[sequences][trainer]") {
  const std::unique_ptr<backend> b = make_cpu_backend(1);
  user_histories h;
  for (int u = 0; u < 6; ++u) {
    h.columns.push_back({u, (u + 1) % 10, (u + 3) % 10, (u + 4) % 10});
    h.ratings.emplace_back(4, 3.0f);
  }
  sequence_config c = small_config();
  c.teacher_forcing = GENERATE(false, true);
  const std::vector<std::vector<std::int32_t>> history = {{1, 2, 4}};
  std::vector<double> losses;
  std::vector<float> before, after;
  for (const float rate : {0.0f, 0.5f}) {
    model m = small_model(*b, 10, c);
    before = m.next_scores(history, {});
    train_config config = preset("seq2seq");
    config.dropout = rate;
    config.shuffle = false;
    config.optimizer.lr = 0;  // the loss of the initial network, under each rate's masks
    sequence_trainer trainer(m.network(), config);
    losses.push_back(trainer.run_epoch(h).train_loss);
    after = m.next_scores(history, {});
    CHECK(after == before);
  }
  CHECK(losses[1] != losses[0]);
}
