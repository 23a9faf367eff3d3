// Training: determinism, the seed's gradient accumulation, and learning.
#include <catch2/catch.hpp>
#include <cmath>

#include "aerec/cpu_backend.h"
#include "aerec/metrics.h"
#include "aerec/trainer.h"

using namespace aerec;

namespace {

// Ratings from a rank-2 taste model, 1..5, about 40% of the cells rated.
ratings synthetic(int users, int items, std::uint64_t seed) {
  rng random(seed);
  std::vector<float> u(static_cast<std::size_t>(users) * 2), v(static_cast<std::size_t>(items) * 2);
  for (float& x : u) x = random.uniform(-1, 1);
  for (float& x : v) x = random.uniform(-1, 1);
  std::vector<rating_entry> e;
  for (int i = 0; i < users; ++i)
    for (int j = 0; j < items; ++j)
      if (random.uniform() < 0.4f) {
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
  c.loss = loss_normalization::rated_entries;
  c.batch_size = 4;
  c.shuffle = true;
  c.epochs = 3;
  return c;
}

std::vector<float> trained_parameters(const ratings& data, const train_config& c) {
  auto b = make_cpu_backend(c.threads);
  autoencoder net(*b, stacked_layers(data.cols(), c.model.hidden, c.model.hidden_act, c.model.output_act));
  rng init(c.seed);
  net.initialize(c.model.init, init);
  trainer t(net, c);
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
  masked_mse loss(*b, c.loss);
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
