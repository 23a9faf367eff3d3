// The presets say what README and the issue say they are.
#include <catch2/catch.hpp>

#include "aerec/core/error.h"
#include "aerec/train/train_config.h"

using namespace aerec;

TEST_CASE("the seed preset is the published recipe", "[train_config]") {
  const train_config c = preset("seed");
  REQUIRE(c.model.hidden == std::vector<int>{20, 10, 20});
  REQUIRE(c.model.hidden_act == activation::sigmoid);
  REQUIRE(c.model.output_act == activation::identity);
  REQUIRE(c.model.init == init_scheme::pytorch);
  REQUIRE(c.optimizer.kind == optimizer_kind::rmsprop);
  REQUIRE(c.optimizer.lr == 0.01);
  REQUIRE(c.optimizer.weight_decay == 0.5);
  REQUIRE(c.epochs == 200);
  REQUIRE(c.batch_size == 1);
  REQUIRE_FALSE(c.shuffle);
  REQUIRE(c.accumulate_gradients);
  REQUIRE(c.squared_error_normalization == loss_normalization::all_entries);
}

TEST_CASE("seed-fixed keeps the architecture and zeroes its gradients", "[train_config]") {
  const train_config seed = preset("seed");
  const train_config fixed = preset("seed-fixed");
  REQUIRE(fixed.model.hidden == seed.model.hidden);
  REQUIRE(fixed.model.hidden_act == seed.model.hidden_act);
  REQUIRE_FALSE(fixed.accumulate_gradients);
}

TEST_CASE("every listed preset resolves and unknown ones are rejected", "[train_config]") {
  for (const preset_info& p : presets()) REQUIRE_NOTHROW(validate(preset(p.name)));
  REQUIRE_THROWS_WITH(preset("deep"),
                      Catch::Contains("unknown preset 'deep'") && Catch::Contains("seed, seed-fixed"));
  train_config c = preset("seed");
  c.batch_size = 0;
  REQUIRE_THROWS_AS(validate(c), error);
}
