// Early stopping: the best epoch, patience, restoring the best parameters,
// and its saved state.
#include <catch2/catch.hpp>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "aerec/backend/cpu_backend.h"
#include "aerec/core/rng.h"
#include "aerec/nn/autoencoder.h"
#include "aerec/train/early_stopping.h"
#include "expect_error.h"

using aerec::autoencoder;
using aerec::early_stopping;
using aerec::testing::code_name;
using aerec::testing::error_from;
using Catch::Matchers::Contains;

namespace {

std::unique_ptr<autoencoder> network(aerec::backend& b, int items = 6, std::uint64_t seed = 3) {
  const int hidden[] = {4, 3, 4};
  auto net = std::make_unique<autoencoder>(
      b, aerec::stacked_layers(items, hidden, aerec::activation::sigmoid, aerec::activation::identity));
  aerec::rng random(seed);
  net->initialize(aerec::init_scheme::pytorch, random);
  return net;
}

std::vector<float> parameters_of(autoencoder& net) {
  std::vector<float> all;
  for (const aerec::parameter& p : net.parameters()) all.insert(all.end(), p.value, p.value + p.size);
  return all;
}

// Stands in for an epoch of training: moves every parameter.
void change(autoencoder& net, float by) {
  for (const aerec::parameter& p : net.parameters())
    for (std::size_t i = 0; i < p.size; ++i) p.value[i] += by * static_cast<float>(i % 7 + 1);
}

// What record() returns for each RMSE in turn, with the parameters changed between epochs.
std::vector<bool> stops_for(early_stopping& s, autoencoder& net, const std::vector<double>& rmses) {
  std::vector<bool> out;
  int epoch = 0;
  for (const double rmse : rmses) {
    change(net, 0.01f);
    out.push_back(s.record(++epoch, rmse, net));
  }
  return out;
}

}  // namespace

TEST_CASE("early_stopping: tracks the best epoch and RMSE", "[early_stopping]") {
  const auto b = aerec::make_cpu_backend();
  auto net = network(*b);
  early_stopping s(10);
  CHECK(s.best_epoch() == 0);
  CHECK(s.best_figure() == std::numeric_limits<double>::infinity());
  stops_for(s, *net, {1.0, 0.9, 0.95, 0.85, 0.86, 0.85});
  CHECK(s.best_epoch() == 4);
  CHECK(s.best_figure() == 0.85);  // an equal RMSE later is no improvement
}

TEST_CASE("early_stopping: stops after exactly `patience` epochs without improvement", "[early_stopping]") {
  const auto b = aerec::make_cpu_backend();
  auto net = network(*b);
  SECTION("patience 2") {
    early_stopping s(2);
    CHECK(stops_for(s, *net, {1.0, 1.1, 1.0, 0.9, 0.95, 0.9}) ==
          std::vector<bool>{false, false, true, false, false, true});
  }
  SECTION("an improvement starts the count again") {
    early_stopping s(3);
    CHECK(stops_for(s, *net, {1.0, 1.2, 1.1, 0.99, 1.3, 1.3, 1.3}) ==
          std::vector<bool>{false, false, false, false, false, false, true});
    CHECK(s.best_epoch() == 4);
  }
  SECTION("patience 1 stops at the first epoch that is no better") {
    early_stopping s(1);
    CHECK(stops_for(s, *net, {1.0, 0.5, 0.5}) == std::vector<bool>{false, false, true});
  }
  SECTION("patience 0 never stops, but keeps the best") {
    early_stopping s(0);
    std::vector<double> worse(100);
    for (std::size_t k = 0; k < worse.size(); ++k) worse[k] = 1.0 + static_cast<double>(k);
    for (const bool stop : stops_for(s, *net, worse)) CHECK_FALSE(stop);
    CHECK(s.best_epoch() == 1);
  }
  SECTION("a NaN RMSE is no improvement") {
    early_stopping s(1);
    CHECK(stops_for(s, *net, {1.0, std::numeric_limits<double>::quiet_NaN()}) ==
          std::vector<bool>{false, true});
    CHECK(s.best_figure() == 1.0);
  }
}

TEST_CASE("early_stopping: a figure that improves up (NDCG) keeps its highest epoch", "[early_stopping]") {
  const auto b = aerec::make_cpu_backend();
  auto net = network(*b);
  early_stopping s(2, aerec::improves::up);
  CHECK(s.best_figure() == -std::numeric_limits<double>::infinity());
  CHECK(stops_for(s, *net, {0.3, 0.35, 0.34, 0.36, 0.2, 0.36}) ==
        std::vector<bool>{false, false, false, false, false, true});
  CHECK(s.best_epoch() == 4);
  CHECK(s.best_figure() == 0.36);
  // Its state holds the figure negated, as checkpoints always have: it reads back either way.
  early_stopping loaded(2, aerec::improves::up);
  loaded.load_state(s.save_state(), "ckpt.aerec");
  CHECK(loaded.best_figure() == 0.36);
  CHECK(loaded.stopped());
}

TEST_CASE("early_stopping: stopped() says that patience ran out, also after a reload", "[early_stopping]") {
  const auto b = aerec::make_cpu_backend();
  auto net = network(*b);
  early_stopping s(2);
  stops_for(s, *net, {1.0, 1.1});
  CHECK_FALSE(s.stopped());
  stops_for(s, *net, {1.2});
  CHECK(s.stopped());
  early_stopping loaded(2);
  loaded.load_state(s.save_state(), "ckpt.aerec");
  CHECK(loaded.stopped());
  early_stopping never(0);
  stops_for(never, *net, {1.0, 2.0, 3.0});
  CHECK_FALSE(never.stopped());
}

TEST_CASE("early_stopping: a negative patience is an invalid argument", "[early_stopping]") {
  const auto e = error_from([] { early_stopping s(-1); });
  REQUIRE(e);
  CHECK(code_name(*e) == "invalid_argument");
  CHECK_THAT(e->what(), Contains("patience"));
}

TEST_CASE("early_stopping: restore_best puts back the best epoch's exact parameters", "[early_stopping]") {
  const auto b = aerec::make_cpu_backend();
  auto net = network(*b);
  early_stopping s(5);

  const std::vector<float> untouched = parameters_of(*net);
  s.restore_best(*net);  // nothing recorded: nothing changes
  CHECK(parameters_of(*net) == untouched);

  change(*net, 0.1f);
  s.record(1, 0.9, *net);
  change(*net, 0.1f);
  s.record(2, 0.8, *net);
  const std::vector<float> best = parameters_of(*net);
  change(*net, 0.1f);
  s.record(3, 0.85, *net);
  change(*net, 0.1f);
  REQUIRE(parameters_of(*net) != best);
  s.restore_best(*net);
  CHECK(parameters_of(*net) == best);
  CHECK(s.best_epoch() == 2);
}

TEST_CASE("early_stopping: saved state round trip", "[early_stopping]") {
  const auto b = aerec::make_cpu_backend();
  auto net = network(*b);
  early_stopping s(3);
  // Best at epoch 2, then two epochs without improvement: one more stops.
  stops_for(s, *net, {1.0, 0.7, 0.8, 0.75});
  const std::vector<float> best = parameters_of(*net);
  const std::string state = s.save_state();

  early_stopping loaded(3);
  loaded.load_state(state, "ckpt.aerec");
  CHECK(loaded.best_epoch() == s.best_epoch());
  CHECK(loaded.best_figure() == s.best_figure());
  CHECK(loaded.save_state() == state);

  // Into another network: the best parameters come with the state.
  auto other = network(*b, 6, 99);
  REQUIRE(parameters_of(*other) != parameters_of(*net));
  s.restore_best(*net);
  loaded.restore_best(*other);
  CHECK(parameters_of(*other) == parameters_of(*net));
  CHECK(parameters_of(*other) != best);  // the best was epoch 2, not the last

  // The count of epochs without improvement continues too.
  CHECK(loaded.record(5, 0.9, *other));

  // A state saved before any record loads as one.
  early_stopping fresh(2);
  early_stopping fresh_loaded(2);
  fresh_loaded.load_state(fresh.save_state(), "ckpt.aerec");
  CHECK(fresh_loaded.best_epoch() == 0);
  CHECK(fresh_loaded.best_figure() == std::numeric_limits<double>::infinity());
  const std::vector<float> before = parameters_of(*other);
  fresh_loaded.restore_best(*other);
  CHECK(parameters_of(*other) == before);
}

TEST_CASE("early_stopping: damaged state is a model_format error naming its source", "[early_stopping]") {
  const auto b = aerec::make_cpu_backend();
  auto net = network(*b);
  early_stopping s(3);
  stops_for(s, *net, {1.0, 0.7});
  const std::string state = s.save_state();
  const auto rejected = [](const std::string& bytes) {
    early_stopping other(3);
    const auto e = error_from([&] { other.load_state(bytes, "ckpt.aerec"); });
    REQUIRE(e);
    CHECK(code_name(*e) == "model_format");
    CHECK_THAT(e->what(), Contains("ckpt.aerec") && Contains("early-stopping state"));
  };
  // Shorter than its header, or parameters cut inside a float.
  for (std::size_t n = 0; n < 16; ++n) rejected(state.substr(0, n));
  for (std::size_t n = 17; n < state.size(); n += 4) rejected(state.substr(0, n));
  rejected(state + "x");
}

TEST_CASE("early_stopping: best parameters that do not fit the network are an error", "[early_stopping]") {
  const auto b = aerec::make_cpu_backend();
  auto net = network(*b);
  early_stopping s(3);
  stops_for(s, *net, {1.0});
  early_stopping loaded(3);
  loaded.load_state(s.save_state(), "ckpt.aerec");

  auto wider = network(*b, 7);
  const std::vector<float> before = parameters_of(*wider);
  const auto e = error_from([&] { loaded.restore_best(*wider); });
  REQUIRE(e);
  CHECK(code_name(*e) == "model_format");
  CHECK_THAT(e->what(), Contains(std::to_string(net->parameter_count())) &&
                            Contains(std::to_string(wider->parameter_count())));
  CHECK(parameters_of(*wider) == before);
}
