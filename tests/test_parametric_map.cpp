// The taste map's placer: learns where codes go, survives its JSON form, and
// refuses codes of the wrong length or that are not numbers.
#include <catch2/catch.hpp>
#include <cmath>
#include <nlohmann/json.hpp>

#include "aerec/backend/cpu_backend.h"
#include "aerec/core/error.h"
#include "aerec/core/rng.h"
#include "aerec/map/fit_parametric_map.h"
#include "gradient_check.h"

using namespace aerec;

namespace {

constexpr int code_size = 6;

// Codes and a smooth, non-linear place for each, on a map tens of units wide.
void smooth_places(int n, std::uint64_t seed, std::vector<float>& codes, std::vector<float>& places) {
  rng random(seed);
  for (int i = 0; i < n; ++i) {
    float c[code_size];
    for (float& v : c) v = random.normal();
    codes.insert(codes.end(), c, c + code_size);
    places.push_back(20 * std::tanh(c[0] + 0.5f * c[1]));
    places.push_back(15 * std::sin(c[2]) - 5 * c[3]);
  }
}

}  // namespace

TEST_CASE("a parametric map learns where codes go, and places codes it has not seen", "[map]") {
  std::vector<float> codes, places, new_codes, new_places;
  smooth_places(600, 1, codes, places);
  smooth_places(100, 2, new_codes, new_places);
  const auto device = make_cpu_backend(1);
  parametric_map_options o;
  o.epochs = 150;
  parametric_map m = fit_parametric_map(*device, codes, code_size, places, o);
  const std::vector<float> placed = m.place(new_codes);
  REQUIRE(placed.size() == new_places.size());
  double error = 0, spread = 0;
  for (std::size_t k = 0; k < placed.size(); ++k) {
    error += (placed[k] - new_places[k]) * (placed[k] - new_places[k]);
    spread += new_places[k] * new_places[k];
  }
  REQUIRE(error / spread < 0.05);  // within a few per cent of the map's spread

  // The same bits after its JSON form; the same map for a seed.
  parametric_map back =
      parametric_map::from_json(*device, nlohmann::json::parse(m.to_json().dump()), "map.json");
  REQUIRE(back.place(new_codes) == placed);
  REQUIRE(fit_parametric_map(*device, codes, code_size, places, o).place(new_codes) == placed);
}

TEST_CASE("a parametric map refuses bad codes and JSON that is not a placer", "[map]") {
  const auto device = make_cpu_backend(1);
  const int hidden[] = {4};
  parametric_map m(*device, code_size, hidden);
  REQUIRE_THROWS_WITH(m.place(std::vector<float>(code_size + 1, 0)), Catch::Contains("not a whole number"));
  std::vector<float> bad(code_size, 0);
  bad[2] = std::nanf("");
  REQUIRE_THROWS_WITH(m.place(bad), Catch::Contains("not a number"));
  nlohmann::json j = m.to_json();
  j["layers"][1]["weight"].erase(0);
  REQUIRE_THROWS_WITH(parametric_map::from_json(*device, j, "map.json"),
                      Catch::Contains("map.json: not a taste-map placer: layer 2's weight has another size"));
  REQUIRE_THROWS_AS(parametric_map::from_json(*device, nlohmann::json::object(), "map.json"), error);
  std::vector<float> codes(code_size * 3, 1), places(5, 0);
  REQUIRE_THROWS_AS(fit_parametric_map(*device, codes, code_size, places), error);
}

TEST_CASE("the placer's backward matches finite differences of its placement loss", "[map][gradient]") {
  const auto device = make_cpu_backend(1);  // host memory: the test reads and perturbs it in place
  const int hidden[] = {5, 4};
  parametric_map m(*device, code_size, hidden);
  rng random(3);
  for (layer* l : m.layers()) l->initialize(init_scheme::xavier, random);
  const int rows = 7;
  const std::vector<float> x = testing::random_vector(random, rows * code_size, -1, 1);
  const std::vector<float> target = testing::random_vector(random, rows * 2, -1, 1);
  std::vector<float> d_out(rows * 2);
  // The mean over the rows of |place - target|, as fit_parametric_map minimises it.
  const auto loss = [&] {
    const const_matrix_view out = m.forward({x.data(), rows, code_size});
    return placement_loss({out.data, d_out.size()}, target, d_out);
  };
  loss();
  m.backward({d_out.data(), rows, 2});
  for (layer* l : m.layers())
    for (const parameter& p : l->parameters()) {
      const std::vector<float> analytic(p.grad, p.grad + p.size);
      for (std::size_t k = 0; k < p.size; ++k)
        testing::require_close(analytic[k], testing::central_difference(p.value[k], loss, 1e-2f), p.name);
    }
}

TEST_CASE("the placement loss's gradient matches finite differences, and is finite at its target",
          "[map][gradient]") {
  rng random(4);
  std::vector<float> placed = testing::random_vector(random, 10, -2, 2);
  const std::vector<float> target = testing::random_vector(random, 10, -2, 2);
  std::vector<float> d_placed(placed.size()), scratch(placed.size());
  placement_loss(placed, target, d_placed);
  for (std::size_t k = 0; k < placed.size(); ++k)
    testing::require_close(d_placed[k],
                           testing::central_difference(
                               placed[k], [&] { return placement_loss(placed, target, scratch); }, 1e-3f),
                           "d_placed");
  REQUIRE(placement_loss(target, target, d_placed) == 0);
  for (const float g : d_placed) REQUIRE(g == 0);
}

// fuzz/regressions/taste_map: a damaged placer's sizes are checked against the
// numbers it holds before any layer is made (100000 x 100000 weights asked for
// 40 GB), and a width that is no int is refused (1e10 was cast unchecked).
TEST_CASE("a placer's sizes are checked before its layers are made", "[map][fuzz]") {
  const auto device = make_cpu_backend(1);
  const auto refused = [&](const std::string& placer, const std::string& why) {
    REQUIRE_THROWS_WITH(parametric_map::from_json(*device, nlohmann::json::parse(placer), "map.json"),
                        Catch::Contains("map.json: not a taste-map placer: " + why));
  };
  refused(R"({"code_size": 100000, "mean": [], "scale": [], "layers": [{"outputs": 100000}, {}]})",
          "the standardisation has another size than the code");
  refused(R"({"code_size": 1, "mean": [0], "scale": [1], "layers": [{"kind": "dense", "inputs": 1,
              "outputs": 100000, "activation": "tanh", "weight": [1], "bias": [0]}, {}]})",
          "layer 1's weight has another size");
  refused(R"({"code_size": 1e10, "layers": [{}]})", "code size 10000000000.0 is not a width");
  refused(R"({"code_size": 1, "mean": [0], "scale": [1], "layers": [{"outputs": -3}, {}]})",
          "layer 1's outputs -3 is not a width");
}
