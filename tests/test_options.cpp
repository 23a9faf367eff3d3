// The training options' table: the stored configuration reads back exactly,
// and configurations stored by earlier versions still read.
#include <algorithm>
#include <catch2/catch.hpp>

#include "aerec/train/options.h"

using namespace aerec;

namespace {

// A value of the same type unlike `value`; a name stays as it is (only the
// names an option knows are valid).
option_value changed(const option_value& value) {
  return std::visit(
      [](auto v) -> option_value {
        using V = decltype(v);
        if constexpr (std::is_same_v<V, bool>) {
          return !v;
        } else if constexpr (std::is_same_v<V, std::string>) {
          return v;
        } else if constexpr (std::is_same_v<V, std::vector<int>>) {
          v.push_back(7);
          return v;
        } else {
          return static_cast<V>(v + 3);
        }
      },
      value);
}

const option<train_config>& row(const std::string& name) {
  const auto& all = train_options();
  const auto it = std::find_if(all.begin(), all.end(), [&](const auto& o) { return o.name == name; });
  REQUIRE(it != all.end());
  return *it;
}

bool among(const std::string& key, const std::vector<std::string>& keys) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

// The keys of the first stored configurations, which every stored one holds.
const std::vector<std::string> original_keys = {"layers",
                                                "activation",
                                                "output-activation",
                                                "init",
                                                "optimizer",
                                                "lr",
                                                "weight-decay",
                                                "momentum",
                                                "dampening",
                                                "nesterov",
                                                "alpha",
                                                "centered",
                                                "eps",
                                                "beta1",
                                                "beta2",
                                                "amsgrad",
                                                "lr-decay",
                                                "initial-accumulator",
                                                "rho",
                                                "epochs",
                                                "batch",
                                                "shuffle",
                                                "accumulate-gradients",
                                                "loss-normalization",
                                                "seed",
                                                "threads"};
const std::vector<std::string> lbfgs_keys = {"lbfgs-iters", "lbfgs-history", "lbfgs-line-search"};

// The keys added since (dropout, the penalties, kernel layers, ...), which
// configurations stored before them lack.
std::vector<std::string> later_keys() {
  std::vector<std::string> keys;
  for (const option<train_config>& o : train_options())
    if (!among(o.name, original_keys) && !among(o.name, lbfgs_keys)) keys.push_back(o.name);
  return keys;
}

}  // namespace

TEST_CASE("every preset reads back from its JSON exactly", "[options]") {
  for (const preset_info& p : presets()) {
    CAPTURE(p.name);
    const train_config c = preset(p.name);
    const json j = to_json(c);
    REQUIRE(to_json(train_config_from_json(j, p.name)) == j);
    // Floats are stored as the doubles they convert to, so they read back to the same bits.
    REQUIRE(json::parse(j.dump()) == j);
  }
}

TEST_CASE("every option reads back what it set", "[options]") {
  for (const option<train_config>& o : train_options()) {
    CAPTURE(o.name);
    REQUIRE(o.get(train_config{}) == o.default_value);
    // Every preset's value, set on every preset.
    for (const preset_info& from : presets())
      for (const preset_info& to : presets()) {
        train_config c = preset(to.name);
        o.set(c, o.get(preset(from.name)));
        CHECK(o.get(c) == o.get(preset(from.name)));
      }
    // A value no preset has, on glocal-k, whose lbfgs optimizer every L-BFGS option applies to.
    train_config c = preset("glocal-k");
    REQUIRE(c.lbfgs);
    const option_value v = changed(o.get(c));
    o.set(c, v);
    CHECK(o.get(c) == v);
  }
}

TEST_CASE("the L-BFGS options apply with the lbfgs optimizer only", "[options]") {
  train_config c = preset("seed-fixed");
  row("lbfgs-iters").set(c, 3);
  REQUIRE_FALSE(c.lbfgs);
  REQUIRE(row("lbfgs-iters").get(c) == option_value(training_lbfgs().max_iter));
  // A name is checked whatever the optimizer, as the flag's value is.
  REQUIRE_THROWS_WITH(row("lbfgs-line-search").set(c, std::string("wolfe")),
                      Catch::Contains("unknown line search 'wolfe'"));
  row("optimizer").set(c, std::string("lbfgs"));
  row("lbfgs-iters").set(c, 3);
  row("lbfgs-line-search").set(c, std::string("none"));
  REQUIRE(c.lbfgs->max_iter == 3);
  REQUIRE_FALSE(c.lbfgs->strong_wolfe);
}

TEST_CASE("a configuration stored before later keys still reads, with their defaults", "[options]") {
  json old = to_json(preset("deeprec"));
  for (const std::string& key : later_keys()) old.erase(key);
  for (const std::string& key : lbfgs_keys) old.erase(key);  // from before L-BFGS
  const train_config c = train_config_from_json(old, "old.aerec");
  for (const std::string& key : later_keys()) {
    CAPTURE(key);
    CHECK(row(key).get(c) == row(key).default_value);
  }
  CHECK(c.dropout == 0);
  CHECK_FALSE(c.refeed);
  CHECK(c.model.hidden == preset("deeprec").model.hidden);
}

TEST_CASE("a stored configuration without a required key names it", "[options]") {
  const json stored = to_json(preset("seed"));
  for (const std::string& key : original_keys) {
    CAPTURE(key);
    json j = stored;
    j.erase(key);
    REQUIRE_THROWS_WITH(train_config_from_json(j, "old.aerec"),
                        "old.aerec: training configuration: \"" + key + "\" is missing");
  }
  // The L-BFGS settings: required with the lbfgs optimizer only.
  for (const std::string& key : lbfgs_keys) {
    CAPTURE(key);
    json j = stored;
    j.erase(key);
    REQUIRE_NOTHROW(train_config_from_json(j, "seed.aerec"));
    j = to_json(preset("glocal-k"));
    j.erase(key);
    REQUIRE_THROWS_WITH(train_config_from_json(j, "glocal-k.aerec"),
                        Catch::Contains("\"" + key + "\" is missing"));
  }
}

TEST_CASE("a stored value of the wrong type names its key", "[options]") {
  json j = to_json(preset("seed"));
  j["epochs"] = "many";
  REQUIRE_THROWS_WITH(train_config_from_json(j, "m.json"),
                      Catch::Contains("m.json: training configuration: \"epochs\": ") &&
                          Catch::Contains("type must be number"));
  j = to_json(preset("seed"));
  j["batch"] = 0;
  REQUIRE_THROWS_WITH(train_config_from_json(j, "m.json"), "batch size must be >= 1");
}

// fuzz/regressions/checkpoint/epochs-overflow: nlohmann cast a stored number
// that does not fit its option's integer type unchecked (1e10 as an int is
// undefined behaviour), from a checkpoint's or a model's configuration.
TEST_CASE("a stored number that does not fit its option's integer type names its key", "[options][fuzz]") {
  const std::vector<std::pair<std::string, json>> wrong = {
      {"epochs", 1e10}, {"epochs", 2.5}, {"epochs", 3000000000LL},
      {"seed", -1},     {"seed", 1e30},  {"layers", json::array({20, 1e12})}};
  for (const auto& [key, value] : wrong) {
    CAPTURE(key, value.dump());
    json j = to_json(preset("seed"));
    j[key] = value;
    REQUIRE_THROWS_WITH(train_config_from_json(j, "m.json"),
                        Catch::Contains("m.json: training configuration: \"" + key + "\": ") &&
                            Catch::Contains("is not a whole number that fits"));
  }
  json j = to_json(preset("seed"));
  j["epochs"] = 7.0;  // a whole number written as a float still reads
  CHECK(train_config_from_json(j, "m.json").epochs == 7);
}
