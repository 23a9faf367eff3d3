// The seed preset on the real MovieLens-100K u1 split, for a few epochs.
#include <catch2/catch.hpp>
#include <cstdlib>

#include "aerec/backend/cpu_backend.h"
#include "aerec/data/split.h"
#include "aerec/eval/metrics.h"
#include "aerec/io/model_file.h"
#include "aerec/train/trainer.h"

using namespace aerec;

namespace {
dataset u1() {
  return load_dataset(locate_data(std::filesystem::path(std::getenv("MOVIELENS_DIR")) / "ml-100k"),
                      {parse_split("u1"), 0, 1});
}
}  // namespace

TEST_CASE("a few epochs of the seed preset learn and beat the global mean", "[integration][trainer]") {
  const dataset d = u1();
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

  const rating_metrics test = evaluate(*net, d.train, d.test.target, d.scale);
  const rating_metrics baseline = evaluate_global_mean(d.train, d.test.target, d.scale);
  INFO("test rmse " << test.rmse << ", global-mean baseline " << baseline.rmse);
  REQUIRE(test.ratings == d.test.target.nnz());
  REQUIRE(test.rmse < baseline.rmse);

  // The saved model gives the same figures.
  model m(std::move(net), d.items, d.scale);
  model reloaded = deserialize_model(*b, serialize_model(m), "bytes");
  const rating_metrics again = evaluate(reloaded.network(), d.train, d.test.target, d.scale);
  REQUIRE(again.rmse == test.rmse);
}
