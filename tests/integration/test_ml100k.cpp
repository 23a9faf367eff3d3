// The seed preset on the real MovieLens-100K u1 split, for a few epochs.
#include <catch2/catch.hpp>
#include <cstdlib>

#include "aerec/cpu_backend.h"
#include "aerec/metrics.h"
#include "aerec/model_file.h"
#include "aerec/movielens.h"
#include "aerec/trainer.h"

using namespace aerec;

namespace {
std::filesystem::path data_dir() { return locate_movielens_100k(std::getenv("MOVIELENS_DIR")); }
}  // namespace

TEST_CASE("MovieLens-100K u1 has the published shape", "[integration][movielens]") {
  const dataset d = load_movielens_100k(data_dir(), "u1");
  REQUIRE(d.users.size() == 943);
  REQUIRE(d.items.size() == 1682);
  REQUIRE(d.train.nnz() == 80000);
  REQUIRE(d.test.nnz() == 20000);
  const auto movies = read_movies_100k(data_dir());
  REQUIRE(movies.size() == 1682);
  REQUIRE(movies[0].title == "Toy Story (1995)");
}

TEST_CASE("a few epochs of the seed preset learn and beat the global mean", "[integration][trainer]") {
  const dataset d = load_movielens_100k(data_dir(), "u1");
  train_config c = preset("seed");
  c.epochs = 4;
  auto b = make_cpu_backend(c.threads);
  auto net = std::make_unique<autoencoder>(
      *b, stacked_layers(d.items.size(), c.model.hidden, c.model.hidden_act, c.model.output_act));
  rng init(c.seed);
  net->initialize(c.model.init, init);
  trainer t(*net, c);
  std::vector<epoch_report> history;
  for (int e = 0; e < c.epochs; ++e) history.push_back(t.run_epoch(d.train));
  REQUIRE(history.back().train_rmse < history.front().train_rmse);

  const rating_metrics test = evaluate(*net, d.train, d.test, d.scale);
  const rating_metrics baseline = evaluate_global_mean(d.train, d.test, d.scale);
  INFO("test rmse " << test.rmse << ", global-mean baseline " << baseline.rmse);
  REQUIRE(test.ratings == 20000);
  REQUIRE(test.rmse < baseline.rmse);

  // The saved model gives the same figures.
  model m(std::move(net), d.items, d.scale);
  model reloaded = deserialize_model(*b, serialize_model(m), "bytes");
  const rating_metrics again = evaluate(reloaded.network(), d.train, d.test, d.scale);
  REQUIRE(again.rmse == test.rmse);
}
