// Training: determinism, the seed's gradient accumulation, and learning.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <tuple>

#include "aerec/backend/cpu_backend.h"
#include "aerec/eval/metrics.h"
#include "aerec/train/trainer.h"
#include "expect_error.h"
#include "gradient_check.h"

using namespace aerec;

namespace {

// Ratings from a rank-2 taste model, 1..5, about `density` of the cells rated.
ratings synthetic(int users, int items, std::uint64_t seed, float density = 0.4f) {
  rng random(seed);
  std::vector<float> u(static_cast<std::size_t>(users) * 2), v(static_cast<std::size_t>(items) * 2);
  for (float& x : u) x = random.uniform(-1, 1);
  for (float& x : v) x = random.uniform(-1, 1);
  std::vector<rating_entry> e;
  for (int i = 0; i < users; ++i)
    for (int j = 0; j < items; ++j)
      if (random.uniform() < density) {
        const float taste = u[2 * i] * v[2 * j] + u[2 * i + 1] * v[2 * j + 1];
        e.push_back({i, j, std::round(std::clamp(3 + 2.5f * taste, 1.0f, 5.0f))});
      }
  return ratings(users, items, e);
}

train_config small_config() {
  train_config c;
  c.model.hidden = {8};
  c.optimizer = default_optimizer_config(optimizer_kind::adam);
  c.optimizer.lr = 0.01f;
  c.squared_error_normalization = loss_normalization::rated_entries;
  c.batch_size = 4;
  c.shuffle = true;
  c.epochs = 3;
  return c;
}

// The parameters after c.epochs epochs (0: as initialised).
std::vector<float> trained_parameters(const ratings& data, const train_config& c,
                                      collective& together = one_process()) {
  auto b = make_cpu_backend(c.threads);
  autoencoder net(*b, stacked_layers(data.cols(), c.model.hidden, c.model.hidden_act, c.model.output_act));
  rng init(c.seed);
  net.initialize(c.model.init, init);
  trainer t(net, c, together);
  for (int e = 0; e < c.epochs; ++e) t.run_epoch(data);
  std::vector<float> all;
  for (const parameter& p : net.parameters()) all.insert(all.end(), p.value, p.value + p.size);
  return all;
}

}  // namespace

TEST_CASE("the same seed and thread count give the same model bit for bit", "[trainer]") {
  const ratings data = synthetic(40, 25, 1);
  train_config c = small_config();
  for (const int threads : {1, 2}) {
    c.threads = threads;
    const auto first = trained_parameters(data, c);
    REQUIRE(first == trained_parameters(data, c));
    c.seed = 2;
    REQUIRE(first != trained_parameters(data, c));
    c.seed = 1;
  }
}

TEST_CASE("dropout and input noise come from the seed: same seed, same model", "[trainer]") {
  const ratings data = synthetic(40, 25, 3);
  train_config plain = small_config();
  plain.model.hidden = {8, 4, 8};
  const std::vector<float> without_noise = trained_parameters(data, plain);
  // Each kind of noise at a usable level, and at one that validate() refuses.
  using setting = float train_config::*;
  const std::tuple<const char*, setting, float, float> kinds[] = {
      {"dropout on the code", &train_config::dropout, 0.5f, 1},
      {"masking noise", &train_config::input_dropout, 0.3f, 1},
      {"Gaussian noise", &train_config::input_noise, 0.3f, -1}};
  std::vector<std::vector<float>> models;
  for (const auto& [name, field, level, refused] : kinds) {
    CAPTURE(name);
    train_config c = plain;
    c.*field = level;
    models.push_back(trained_parameters(data, c));
    REQUIRE(models.back() == trained_parameters(data, c));
    REQUIRE(models.back() != without_noise);
    c.*field = refused;
    REQUIRE_THROWS_AS(trained_parameters(data, c), error);
  }
  REQUIRE(models[1] != models[2]);
  // Masking and Gaussian noise together.
  train_config both = plain;
  both.input_dropout = both.input_noise = 0.3f;
  REQUIRE(trained_parameters(data, both) != models[2]);
}

TEST_CASE("normal draws have mean 0 and variance 1", "[trainer]") {
  rng random(17);
  double sum = 0, squares = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    const double z = random.normal();
    REQUIRE(std::isfinite(z));
    sum += z;
    squares += z * z;
  }
  CHECK(std::abs(sum / n) < 0.01);
  CHECK(std::abs(squares / n - 1) < 0.02);
}

TEST_CASE("users without ratings are skipped", "[trainer]") {
  const ratings data = synthetic(10, 12, 4);
  std::vector<rating_entry> e = data.entries();
  for (rating_entry& r : e)
    if (r.row >= 5) ++r.row;  // an empty row 5
  const ratings with_gap(11, 12, e);
  train_config c = small_config();
  c.shuffle = false;
  REQUIRE(trained_parameters(data, c) == trained_parameters(with_gap, c));
}

TEST_CASE("gradient accumulation applies the sum of all gradients so far", "[trainer]") {
  // Two full-batch SGD steps: accumulated, the second step applies g1 + g2.
  const ratings data = synthetic(6, 10, 9);
  train_config c;
  c.model.hidden = {4};
  c.optimizer = default_optimizer_config(optimizer_kind::sgd);
  c.optimizer.lr = 0.05f;
  c.batch_size = 6;
  c.epochs = 2;
  c.accumulate_gradients = true;
  const std::vector<float> trained = trained_parameters(data, c);

  auto b = make_cpu_backend();
  autoencoder net(*b, stacked_layers(10, c.model.hidden, c.model.hidden_act, c.model.output_act));
  rng init(c.seed);
  net.initialize(c.model.init, init);
  std::vector<std::int32_t> all_rows = {0, 1, 2, 3, 4, 5};
  device_sparse x;
  x.assign(*b, gather_rows(data, all_rows));
  masked_mse loss(*b, c.squared_error_normalization);
  std::vector<float> d_output(6 * 10);
  const auto params = net.parameters();
  std::vector<std::vector<float>> sum(params.size());
  for (std::size_t k = 0; k < params.size(); ++k) sum[k].assign(params[k].size, 0.0f);
  for (int step = 0; step < 2; ++step) {
    loss.evaluate(net.forward(x.view()), x.view(), {d_output.data(), 6, 10});
    net.backward(x.view(), {d_output.data(), 6, 10}, 0);
    for (std::size_t k = 0; k < params.size(); ++k)
      for (std::size_t i = 0; i < params[k].size; ++i) {
        sum[k][i] += params[k].grad[i];
        params[k].value[i] -= static_cast<float>(c.optimizer.lr) * sum[k][i];
      }
  }
  std::size_t n = 0;
  for (const parameter& p : params)
    for (std::size_t i = 0; i < p.size; ++i) REQUIRE(p.value[i] == Approx(trained[n++]).epsilon(1e-5));
}

TEST_CASE("re-feeding takes a second step on the network's own dense output", "[trainer]") {
  // One full-batch SGD epoch with re-feeding, against the two steps by hand:
  // one on the ratings, then one on f(x) as a fully rated input and target.
  const ratings data = synthetic(6, 10, 9);
  train_config c;
  c.model.hidden = {4, 3};
  c.optimizer = default_optimizer_config(optimizer_kind::sgd);
  c.optimizer.lr = 0.05f;
  c.squared_error_normalization = loss_normalization::rated_entries;
  c.batch_size = 6;
  c.epochs = 1;
  c.refeed = true;
  const std::vector<float> trained = trained_parameters(data, c);
  c.refeed = false;
  REQUIRE(trained != trained_parameters(data, c));

  auto b = make_cpu_backend();
  autoencoder net(*b, stacked_layers(10, c.model.hidden, c.model.hidden_act, c.model.output_act));
  rng init(c.seed);
  net.initialize(c.model.init, init);
  masked_mse loss(*b, c.squared_error_normalization);
  std::vector<float> d_output(6 * 10);
  const auto params = net.parameters();
  const auto sgd_step = [&](const sparse_batch& batch) {
    device_sparse x;
    x.assign(*b, batch);
    loss.evaluate(net.forward(x.view()), x.view(), {d_output.data(), 6, 10});
    net.backward(x.view(), {d_output.data(), 6, 10}, 0);
    for (const parameter& p : params)
      for (std::size_t i = 0; i < p.size; ++i) p.value[i] -= static_cast<float>(c.optimizer.lr) * p.grad[i];
  };
  const std::vector<std::int32_t> all_rows = {0, 1, 2, 3, 4, 5};
  const sparse_batch ratings_batch = gather_rows(data, all_rows);
  sgd_step(ratings_batch);
  const std::vector<float> output = net.predict(ratings_batch);
  sparse_batch fed;
  fed.cols = 10;
  const std::vector<std::int32_t> every_movie = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  for (int r = 0; r < 6; ++r)
    fed.append_row(every_movie, std::span(output).subspan(static_cast<std::size_t>(r) * 10, 10));
  sgd_step(fed);
  std::size_t n = 0;
  for (const parameter& p : params)
    for (std::size_t i = 0; i < p.size; ++i) REQUIRE(p.value[i] == Approx(trained[n++]).epsilon(1e-5));
}

TEST_CASE("penalties take part in training", "[trainer][penalty]") {
  const ratings data = synthetic(40, 25, 3);
  train_config plain = small_config();
  plain.model.hidden = {8, 4, 8};
  plain.model.hidden_act = activation::tanh;
  const std::vector<float> unpenalized = trained_parameters(data, plain);
  train_config sparse = plain, contractive = plain;
  sparse.penalties.activity = {activity_kind::l1, 0.1f, 0.05f, -1};
  contractive.penalties.contractive = 0.1f;
  REQUIRE(trained_parameters(data, sparse) != unpenalized);
  REQUIRE(trained_parameters(data, contractive) != unpenalized);
  REQUIRE(trained_parameters(data, contractive) == trained_parameters(data, contractive));
  contractive.model.hidden_act = activation::relu;
  REQUIRE_THROWS_AS(trained_parameters(data, contractive), error);
}

TEST_CASE("training lowers the loss and beats the global mean on held-out ratings", "[trainer]") {
  const ratings all = synthetic(120, 40, 21);
  // Hold out a fifth of the cells, spread over users and items.
  std::vector<rating_entry> train_e, test_e;
  for (const rating_entry& e : all.entries()) (((e.row + e.col) % 5 == 0) ? test_e : train_e).push_back(e);
  const ratings train(120, 40, train_e), test(120, 40, test_e);

  train_config c = small_config();
  c.model.hidden = {10};
  auto b = make_cpu_backend();
  autoencoder net(*b, stacked_layers(40, c.model.hidden, c.model.hidden_act, c.model.output_act));
  rng init(c.seed);
  net.initialize(c.model.init, init);
  trainer t(net, c);
  const epoch_report first = t.run_epoch(train);
  epoch_report last = first;
  for (int e = 1; e < 60; ++e) last = t.run_epoch(train);
  REQUIRE(last.epoch == 60);
  REQUIRE(last.train_rmse < 0.8 * first.train_rmse);
  const rating_metrics model_figures = evaluate(net, train, test, {1, 5});
  const rating_metrics baseline = evaluate_global_mean(train, test, {1, 5});
  REQUIRE(model_figures.rmse < baseline.rmse);
}

// --- interrupted epochs and saved training state -------------------------

namespace {

std::vector<float> parameters_of(autoencoder& net) {
  std::vector<float> all;
  for (const parameter& p : net.parameters()) all.insert(all.end(), p.value, p.value + p.size);
  return all;
}

std::unique_ptr<autoencoder> initialized_network(backend& b, int items, const train_config& c) {
  auto net = std::make_unique<autoencoder>(
      b, stacked_layers(items, c.model.hidden, c.model.hidden_act, c.model.output_act));
  rng init(c.seed);
  net->initialize(c.model.init, init);
  return net;
}

// Another network, in `b`'s memory, with the same layers and parameter values.
std::unique_ptr<autoencoder> copy_of(backend& b, autoencoder& net) {
  auto copy = std::make_unique<autoencoder>(b, net.specs());
  const auto from = net.parameters(), to = copy->parameters();
  for (std::size_t k = 0; k < from.size(); ++k) std::copy_n(from[k].value, from[k].size, to[k].value);
  return copy;
}

struct named_config {
  const char* name;
  train_config config;
};

// Adam shuffled and in order, the seed's accumulated gradients, and an
// RMSprop with every state array and a last batch smaller than the others.
std::vector<named_config> resumable_configs() {
  train_config in_order = small_config();
  in_order.shuffle = false;
  train_config seed = preset("seed");
  seed.model.hidden = {6, 3, 6};
  seed.epochs = 3;
  train_config rmsprop = small_config();
  rmsprop.optimizer = default_optimizer_config(optimizer_kind::rmsprop);
  rmsprop.optimizer.momentum = 0.5;
  rmsprop.optimizer.centered = true;
  rmsprop.batch_size = 7;
  train_config dropout = small_config();
  dropout.model.hidden = {8, 4, 8};
  dropout.model.hidden_act = activation::selu;
  dropout.dropout = 0.5f;
  return {{"adam, shuffled", small_config()},
          {"adam, in order", in_order},
          {"seed preset", seed},
          {"rmsprop, centered, momentum", rmsprop},
          {"dropout on the code", dropout}};
}

std::size_t batches_per_epoch(const ratings& data, const train_config& c) {
  std::size_t rows = 0;
  for (std::int32_t r = 0; r < data.rows(); ++r) rows += data.row_size(r) > 0;
  const auto batch = static_cast<std::size_t>(c.batch_size);
  return (rows + batch - 1) / batch;
}

struct training_run {
  std::vector<float> parameters;
  std::vector<epoch_report> reports;
};

// c.epochs epochs; each epoch is called again until `stop` lets it finish.
training_run train_with(const ratings& data, const train_config& c, const std::function<bool()>& stop) {
  auto b = make_cpu_backend(c.threads);
  auto net = initialized_network(*b, data.cols(), c);
  trainer t(*net, c);
  training_run run;
  for (int e = 0; e < c.epochs; ++e) {
    std::optional<epoch_report> report;
    while (!(report = t.run_epoch(data, stop))) {
    }
    run.reports.push_back(*report);
  }
  CHECK(t.epochs_done() == c.epochs);
  run.parameters = parameters_of(*net);
  return run;
}

// The same epochs, figures and parameters bit for bit; the time may differ.
void require_same_run(const training_run& a, const training_run& b) {
  REQUIRE(a.reports.size() == b.reports.size());
  for (std::size_t k = 0; k < a.reports.size(); ++k) {
    CAPTURE(k);
    CHECK(a.reports[k].epoch == b.reports[k].epoch);
    CHECK(a.reports[k].train_rmse == b.reports[k].train_rmse);
    CHECK(a.reports[k].train_seed_loss == b.reports[k].train_seed_loss);
  }
  REQUIRE(a.parameters.size() == b.parameters.size());
  CHECK(a.parameters == b.parameters);
}

}  // namespace

TEST_CASE("stop is asked once before each batch", "[trainer]") {
  const ratings data = synthetic(30, 20, 5);
  for (const named_config& nc : resumable_configs()) {
    CAPTURE(nc.name);
    train_config c = nc.config;
    c.epochs = 2;
    std::size_t calls = 0;
    const training_run asked = train_with(data, c, [&] {
      ++calls;
      return false;
    });
    CHECK(calls == 2 * batches_per_epoch(data, c));
    require_same_run(asked, train_with(data, c, {}));
  }
}

TEST_CASE("an interrupted epoch continues exactly as if uninterrupted", "[trainer]") {
  const ratings data = synthetic(30, 20, 6);
  for (const named_config& nc : resumable_configs()) {
    CAPTURE(nc.name);
    const train_config& c = nc.config;
    const training_run whole = train_with(data, c, {});
    // Interrupted once after k batches, and at every third question (which
    // also stops before an epoch's first batch).
    for (const std::size_t k : {std::size_t{1}, std::size_t{3}, batches_per_epoch(data, c) - 1}) {
      CAPTURE(k);
      std::size_t calls = 0;
      const training_run once = train_with(data, c, [&] { return ++calls == k + 1; });
      CHECK(calls == c.epochs * batches_per_epoch(data, c) + 1);
      require_same_run(once, whole);
    }
    std::size_t calls = 0, stops = 0;
    const training_run often = train_with(data, c, [&] {
      if (++calls % 3 != 0) return false;
      ++stops;
      return true;
    });
    CHECK(stops > static_cast<std::size_t>(c.epochs));
    require_same_run(often, whole);
  }
}

TEST_CASE("saved state resumes training bit for bit, mid-epoch and between epochs", "[trainer]") {
  const ratings data = synthetic(30, 20, 7);
  for (const named_config& nc : resumable_configs()) {
    const train_config& c = nc.config;
    const training_run whole = train_with(data, c, {});
    for (const std::size_t batches_into_epoch_2 : {std::size_t{0}, std::size_t{2}}) {
      CAPTURE(nc.name, batches_into_epoch_2);
      auto b = make_cpu_backend(c.threads);
      auto net = initialized_network(*b, data.cols(), c);
      trainer first(*net, c);
      training_run resumed;
      resumed.reports.push_back(first.run_epoch(data));
      if (batches_into_epoch_2 > 0) {
        std::size_t calls = 0;
        REQUIRE_FALSE(first.run_epoch(data, [&] { return ++calls > batches_into_epoch_2; }));
      }
      const std::string state = first.save_state();

      // A new trainer on a copy of the parameters, in a new backend's memory.
      auto b2 = make_cpu_backend(c.threads);
      auto copy = copy_of(*b2, *net);
      trainer second(*copy, c);
      second.load_state(state, "saved");
      CHECK(second.epochs_done() == 1);
      CHECK(second.save_state() == state);
      for (int e = 1; e < c.epochs; ++e) resumed.reports.push_back(second.run_epoch(data));
      resumed.parameters = parameters_of(*copy);
      require_same_run(resumed, whole);

      // Without the state the continuation differs, so the comparison above can fail.
      auto bare = copy_of(*b, *net);
      trainer fresh(*bare, c);
      for (int e = 1; e < c.epochs; ++e) fresh.run_epoch(data);
      CHECK(parameters_of(*bare) != whole.parameters);
    }
  }
}

TEST_CASE("damaged or foreign trainer state is a model_format error", "[trainer]") {
  const ratings data = synthetic(12, 10, 8);
  train_config c = small_config();
  auto b = make_cpu_backend();
  auto net = initialized_network(*b, data.cols(), c);
  trainer t(*net, c);
  t.run_epoch(data);
  std::size_t calls = 0;
  REQUIRE_FALSE(t.run_epoch(data, [&] { return ++calls > 1; }));
  const std::string state = t.save_state();

  const auto rejected = [&](const std::string& bytes, const train_config& config = small_config()) {
    trainer other(*net, config);
    const auto e = aerec::testing::error_from([&] { other.load_state(bytes, "ckpt.aerec"); });
    REQUIRE(e);
    CHECK(aerec::testing::code_name(*e) == "model_format");
    CHECK_THAT(e->what(), Catch::Matchers::Contains("ckpt.aerec: "));
    return std::string(e->what());
  };
  for (std::size_t n = 0; n < state.size(); ++n) {
    CAPTURE(n);
    rejected(state.substr(0, n));
  }
  rejected(state + '\0');

  // The layout: u32 tag, i32 epochs, u64 random state, u64 row count, the rows, u64 next, ...
  const auto patched = [&](std::size_t at, auto value) {
    std::string p = state;
    std::memcpy(p.data() + at, &value, sizeof value);
    return p;
  };
  std::uint64_t rows = 0;
  std::memcpy(&rows, state.data() + 16, sizeof rows);
  REQUIRE(rows == 12);
  // A state from before the output layer stored W^T starts with its epoch count.
  CHECK_THAT(rejected(state.substr(4)), Catch::Matchers::Contains("older aerec"));
  CHECK_THAT(rejected(patched(4, std::int32_t{-1})), Catch::Matchers::Contains("damaged"));
  CHECK_THAT(rejected(patched(16, ~std::uint64_t{0})), Catch::Matchers::Contains("damaged"));
  CHECK_THAT(rejected(patched(24 + 4 * rows, rows + 1)), Catch::Matchers::Contains("damaged"));

  // Another optimizer's state does not fit.
  train_config sgd = c;
  sgd.optimizer = default_optimizer_config(optimizer_kind::sgd);
  CHECK_THAT(rejected(state, sgd), Catch::Matchers::Contains("does not fit"));
}

// --- full-batch L-BFGS ----------------------------------------------------

namespace {

train_config lbfgs_training(std::vector<int> hidden) {
  train_config c;
  c.model.hidden = std::move(hidden);
  c.optimizer = default_optimizer_config(optimizer_kind::sgd);
  c.optimizer.weight_decay = 0.3;  // lambda_2
  lbfgs_config l;
  l.max_iter = 5;
  l.history_size = 10;
  l.strong_wolfe = true;
  c.lbfgs = l;
  c.epochs = 4;
  return c;
}

// The objective computed here from public figures alone: 1/2 the squared
// error of the rated entries, lambda_2 / 2 the squared weights, and the penalties.
struct objective_parts {
  double total;
  double squared;  // the rated entries' squared error
};

objective_parts objective_of(autoencoder& net, const ratings& data, const train_config& c) {
  std::vector<std::int32_t> rows;
  for (std::int32_t r = 0; r < data.rows(); ++r)
    if (data.row_size(r) > 0) rows.push_back(r);
  const sparse_batch batch = gather_rows(data, rows);
  const std::vector<float> out = net.predict(batch);
  double squared = 0;
  for (int r = 0; r < batch.rows(); ++r)
    for (int e = batch.offsets[r]; e < batch.offsets[r + 1]; ++e) {
      const double d = out[static_cast<std::size_t>(r) * static_cast<std::size_t>(batch.cols) +
                           static_cast<std::size_t>(batch.cols_index[e])] -
                       batch.values[e];
      squared += d * d;
    }
  double weights = 0;
  for (const parameter& p : net.parameters())
    if (p.name.ends_with(".weight"))
      for (std::size_t k = 0; k < p.size; ++k) weights += static_cast<double>(p.value[k]) * p.value[k];
  device_sparse input;
  input.assign(net.device(), batch);
  net.forward(input.view());
  return {squared / 2 + c.optimizer.weight_decay / 2 * weights + net.penalty(), squared};
}

}  // namespace

TEST_CASE("L-BFGS's full-batch objective: its gradient matches finite differences", "[trainer][lbfgs]") {
  const ratings data = synthetic(12, 9, 31);
  train_config with_penalty = lbfgs_training({5});
  with_penalty.penalties.activity = {activity_kind::l1, 0.5f, 0.05f, -1};
  // Without a hidden layer the network's full output takes the loss's place.
  const train_config configs[] = {with_penalty, lbfgs_training({})};
  for (train_config c : configs) {
    CAPTURE(c.model.hidden.size());
    // One iteration without a line search evaluates the objective once, at
    // the starting point, and leaves its gradient in place.
    c.lbfgs->max_iter = 1;
    c.lbfgs->strong_wolfe = false;
    auto b = make_cpu_backend();
    auto net = initialized_network(*b, data.cols(), c);
    const std::vector<float> start = parameters_of(*net);
    trainer t(*net, c);
    const epoch_report report = t.run_epoch(data);
    REQUIRE(parameters_of(*net) != start);
    // Back to the starting point, where the gradient was taken.
    std::size_t offset = 0;
    for (const parameter& p : net->parameters()) {
      std::copy_n(start.begin() + static_cast<std::ptrdiff_t>(offset), p.size, p.value);
      offset += p.size;
    }
    const objective_parts at_start = objective_of(*net, data, c);
    CHECK(report.train_rmse == Approx(std::sqrt(at_start.squared / static_cast<double>(data.nnz()))));
    for (const parameter& p : net->parameters())
      for (const std::size_t k : {std::size_t{0}, p.size / 2, p.size - 1}) {
        const double numeric = aerec::testing::central_difference(
            p.value[k], [&] { return objective_of(*net, data, c).total; }, 1e-2f);
        aerec::testing::require_close(p.grad[k], numeric, p.name + "[" + std::to_string(k) + "]", 2e-3, 2e-3);
      }
  }
}

TEST_CASE("L-BFGS training lowers the objective every epoch", "[trainer][lbfgs]") {
  const ratings data = synthetic(40, 25, 32);
  train_config c = lbfgs_training({10});
  auto b = make_cpu_backend();
  auto net = initialized_network(*b, data.cols(), c);
  trainer t(*net, c);
  double objective = objective_of(*net, data, c).total;
  std::vector<epoch_report> reports;
  for (int e = 0; e < 8; ++e) {
    reports.push_back(t.run_epoch(data));
    const double next = objective_of(*net, data, c).total;
    CAPTURE(e, objective, next);
    CHECK(next < objective);
    objective = next;
  }
  CHECK(reports.back().epoch == 8);
  CHECK(reports.back().train_rmse < 0.3 * reports.front().train_rmse);
  CHECK(reports.back().train_seed_loss < 0.3 * reports.front().train_seed_loss);
}

TEST_CASE("L-BFGS refuses stochastic and step-based settings", "[trainer][lbfgs]") {
  using change = std::function<void(train_config&)>;
  const std::pair<const char*, change> refused[] = {
      {"dropout", [](train_config& c) { c.dropout = 0.2f; }},
      {"input dropout", [](train_config& c) { c.input_dropout = 0.2f; }},
      {"input noise", [](train_config& c) { c.input_noise = 0.2f; }},
      {"a variational code", [](train_config& c) { c.model.variational = true; }},
      {"re-feeding", [](train_config& c) { c.refeed = true; }},
      {"accumulated gradients", [](train_config& c) { c.accumulate_gradients = true; }},
      {"the multinomial objective", [](train_config& c) { c.goal = objective::multinomial; }},
      {"history_size", [](train_config& c) { c.lbfgs->history_size = 0; }},
  };
  REQUIRE_NOTHROW(validate(lbfgs_training({6, 3, 6})));
  for (const auto& [what, apply] : refused) {
    CAPTURE(what);
    train_config c = lbfgs_training({6, 3, 6});
    apply(c);
    const auto e = aerec::testing::error_from([&] { validate(c); });
    REQUIRE(e);
    CHECK(aerec::testing::code_name(*e) == "invalid_argument");
    CHECK_THAT(e->what(), Catch::Matchers::Contains("lbfgs") && Catch::Matchers::Contains(what));
    c.lbfgs.reset();
    CHECK_FALSE(aerec::testing::error_from([&] { validate(c); }));  // refused only with L-BFGS
  }
}

TEST_CASE("L-BFGS training resumes bit for bit from a saved state", "[trainer][lbfgs]") {
  const ratings data = synthetic(30, 20, 33);
  train_config c = lbfgs_training({8});
  c.epochs = 4;
  const training_run whole = train_with(data, c, {});
  // Asked once before each step: a stop then leaves the epoch undone.
  std::size_t calls = 0;
  require_same_run(train_with(data, c, [&] { return ++calls % 2 == 1; }), whole);
  CHECK(calls == 2 * static_cast<std::size_t>(c.epochs));

  auto b = make_cpu_backend();
  auto net = initialized_network(*b, data.cols(), c);
  trainer first(*net, c);
  training_run resumed;
  for (int e = 0; e < 2; ++e) resumed.reports.push_back(first.run_epoch(data));
  const std::string state = first.save_state();
  auto b2 = make_cpu_backend();
  auto copy = copy_of(*b2, *net);
  trainer second(*copy, c);
  second.load_state(state, "saved");
  CHECK(second.save_state() == state);
  for (int e = 2; e < c.epochs; ++e) resumed.reports.push_back(second.run_epoch(data));
  resumed.parameters = parameters_of(*copy);
  require_same_run(resumed, whole);

  // Without the L-BFGS history the continuation differs, so the comparison above can fail.
  auto bare = copy_of(*b, *net);
  trainer fresh(*bare, c);
  for (int e = 2; e < c.epochs; ++e) fresh.run_epoch(data);
  CHECK(parameters_of(*bare) != whole.parameters);

  // Damaged states, and states of the other kind of training, are refused.
  for (std::size_t n = 0; n < state.size(); n += 7) {
    CAPTURE(n);
    trainer other(*copy, c);
    const auto e = aerec::testing::error_from([&] { other.load_state(state.substr(0, n), "ckpt.aerec"); });
    REQUIRE(e);
    CHECK(aerec::testing::code_name(*e) == "model_format");
  }
  train_config adam = small_config();
  adam.model.hidden = c.model.hidden;
  trainer stochastic(*copy, adam);
  const std::string stochastic_state = stochastic.save_state(), trained_state = second.save_state();
  CHECK(aerec::testing::error_from([&] { second.load_state(stochastic_state, "ckpt.aerec"); }));
  CHECK(aerec::testing::error_from([&] { stochastic.load_state(state, "ckpt.aerec"); }));
  CHECK(second.save_state() == trained_state);  // a refused state changes nothing
}

namespace {

// A stand-in for a data-parallel collective: counts the times gradients pass
// through it and scales them, as a sum over processes would.
class scaling_collective final : public collective {
 public:
  explicit scaling_collective(float factor) : factor_(factor) {}
  int rank() const override { return 0; }
  int size() const override { return 1; }
  void sum_gradients(backend& b, std::span<const parameter> params) override {
    ++calls;
    for (const parameter& p : params) {
      std::vector<float> g(p.size);
      b.to_host(g.data(), p.grad, p.size * sizeof(float));
      for (float& x : g) x *= factor_;
      b.to_device(p.grad, g.data(), p.size * sizeof(float));
    }
  }
  void sum(std::span<double>) override {}
  int calls = 0;

 private:
  float factor_;
};

}  // namespace

TEST_CASE("every update goes through the collective, once per optimizer step", "[trainer][collective]") {
  const ratings data = synthetic(40, 25, 5);
  train_config c = small_config();
  c.optimizer = default_optimizer_config(optimizer_kind::sgd);
  c.optimizer.lr = 0.05;
  c.epochs = 0;
  const std::vector<float> initial = trained_parameters(data, c);
  c.epochs = 1;
  scaling_collective same(1.0f), none(0.0f);
  single_process alone;
  const std::vector<float> trained = trained_parameters(data, c, alone);
  CHECK(trained_parameters(data, c, same) == trained);
  CHECK(same.calls == 10);  // 40 users, 4 a step
  // The optimizer applies what the collective hands it: zeroed gradients move nothing.
  CHECK(trained_parameters(data, c, none) == initial);
  CHECK(trained != initial);
  // Re-feeding is a second update per batch.
  c.refeed = true;
  scaling_collective counting(1.0f);
  trained_parameters(data, c, counting);
  CHECK(counting.calls == 20);
}

// --- lazy updates ---------------------------------------------------------

namespace {

// A batch of 4 users reaches about 12 of these 80 movies.
ratings sparse_synthetic() { return synthetic(60, 80, 11, 0.04f); }

train_config lazy_config(train_config c) {
  c.lazy_updates = true;
  return c;
}

}  // namespace

TEST_CASE("lazy updates are plain SGD's own: a row no rating reaches has a zero gradient",
          "[trainer][lazy]") {
  // Plain SGD moves a parameter by its gradient alone, so skipping the rows a
  // batch does not reach changes nothing: the same bits, for each path that
  // decides which rows a batch reaches.
  const ratings data = sparse_synthetic();
  train_config sgd = small_config();
  sgd.optimizer = default_optimizer_config(optimizer_kind::sgd);
  sgd.optimizer.lr = 0.5;
  sgd.model.hidden = {8, 4, 8};
  train_config denoising = sgd;
  denoising.input_dropout = 0.3f;
  train_config multinomial = sgd;
  multinomial.goal = objective::multinomial;
  multinomial.model.hidden_act = activation::tanh;
  train_config one_layer = sgd;
  one_layer.model.hidden = {};
  train_config dropout = sgd;
  dropout.dropout = 0.5f;
  for (const auto& [name, c] :
       {std::pair{"rated outputs", sgd}, std::pair{"masked input", denoising},
        std::pair{"multinomial", multinomial}, std::pair{"no hidden layer", one_layer},
        std::pair{"code dropout", dropout}}) {
    INFO(name);
    const std::vector<float> dense = trained_parameters(data, c);
    CHECK(trained_parameters(data, lazy_config(c)) == dense);
    CHECK(dense != trained_parameters(data, [&] {
            train_config none = c;
            none.epochs = 0;
            return none;
          }()));
  }
}

TEST_CASE("lazy Adam leaves the rows of a movie nobody rated as they were", "[trainer][lazy]") {
  // Movie 0's ratings removed: no batch reaches its rows.
  std::vector<rating_entry> kept;
  const ratings all = sparse_synthetic();
  for (std::int32_t r = 0; r < all.rows(); ++r)
    for (std::size_t k = 0; k < all.row_cols(r).size(); ++k)
      if (all.row_cols(r)[k] != 0) kept.push_back({r, all.row_cols(r)[k], all.row_values(r)[k]});
  const ratings data(all.rows(), all.cols(), kept);
  train_config c = small_config();
  c.model.hidden = {8};
  c.optimizer.weight_decay = 0.1;  // moves every row of a dense step
  auto b = make_cpu_backend();
  const auto row_of_movie_0 = [&](const train_config& config) {
    auto net = initialized_network(*b, data.cols(), config);
    const std::vector<parameter> p = net->parameters();
    // The first layer's weight row 0 (8 floats), the last layer's weight row 0 (W^T) and bias 0.
    const auto snapshot = [&] {
      std::vector<float> v(p[0].value, p[0].value + 8);
      v.insert(v.end(), p[2].value, p[2].value + 8);
      v.push_back(p[3].value[0]);
      return v;
    };
    const std::vector<float> before = snapshot();
    trainer t(*net, config);
    for (int e = 0; e < config.epochs; ++e) t.run_epoch(data);
    return std::pair{before, snapshot()};
  };
  const auto [lazy_before, lazy_after] = row_of_movie_0(lazy_config(c));
  CHECK(lazy_after == lazy_before);
  const auto [dense_before, dense_after] = row_of_movie_0(c);
  CHECK(dense_after != dense_before);
}

TEST_CASE("lazy updates refuse what reaches every row", "[trainer][lazy]") {
  using testing::error_from;
  train_config lbfgs = lazy_config(small_config());
  lbfgs.lbfgs.emplace();
  train_config accumulated = lazy_config(small_config());
  accumulated.accumulate_gradients = true;
  train_config contractive = lazy_config(small_config());
  contractive.penalties.contractive = 0.1f;
  contractive.model.hidden_act = activation::sigmoid;
  for (const auto& [c, what] : {std::pair{lbfgs, "lbfgs"}, std::pair{accumulated, "accumulated gradients"},
                                std::pair{contractive, "contractive penalty"}}) {
    const auto e = error_from([&] { validate(c); });
    REQUIRE(e);
    CHECK(e->code() == error_code::invalid_argument);
    CHECK_THAT(e->what(), Catch::Contains("lazy updates cannot take") && Catch::Contains(what));
  }
  // Each process's share of a batch reaches other rows than the batch does.
  struct two_processes final : collective {
    int rank() const override { return 0; }
    int size() const override { return 2; }
    void sum_gradients(backend&, std::span<const parameter>) override {}
    void sum(std::span<double>) override {}
  } two;
  auto b = make_cpu_backend();
  const train_config c = lazy_config(small_config());
  auto net = initialized_network(*b, 10, c);
  const auto e = error_from([&] { trainer t(*net, c, two); });
  REQUIRE(e);
  CHECK_THAT(e->what(), Catch::Contains("lazy updates run in one process"));
}
