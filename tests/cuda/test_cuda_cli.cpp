// The commands that compute with a saved model (eval, predict, recommend,
// reconstruct, place, map, export) on --device cuda against --device cpu, on
// every kind of model each takes, trained on the CPU (model_commands.h): so
// every layer kind's inference runs on the GPU here.
#include <unistd.h>

#include <filesystem>
#include <string>

namespace aerec::testing {

// The aerec built with these tests: native/aerec beside tests/, in a build
// tree or in bench/gpu-bundle.sh's copy of one (so not a path fixed at build time).
inline std::string cli_beside_tests() {
  static const std::string path =
      (std::filesystem::canonical("/proc/self/exe").parent_path().parent_path() / "native" / "aerec")
          .string();
  return path;
}

}  // namespace aerec::testing

#define AEREC_CLI_PATH aerec::testing::cli_beside_tests()

#include "cuda/cuda_fixtures.h"
#include "cuda/model_commands.h"

using json = nlohmann::json;
using namespace aerec::testing;

namespace {

// Inference's float rounding differs between the backends (summation order,
// fused multiply-adds), but nothing compounds it: each number within 1e-4
// relatively or 1e-5 absolutely; text, counts and ids exactly.
void require_alike(const json& actual, const json& expected, const std::string& where) {
  INFO(where);
  if (expected.is_number() && actual.is_number()) {
    require_matches(actual.get<double>(), expected.get<double>(), tolerance{1e-4, 1e-5}, where);
    return;
  }
  REQUIRE(actual.type_name() == expected.type_name());
  if (expected.is_array()) {
    REQUIRE(actual.size() == expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i)
      require_alike(actual[i], expected[i], where + "[" + std::to_string(i) + "]");
  } else if (expected.is_object()) {
    for (const auto& [key, value] : expected.items()) {
      REQUIRE(actual.contains(key));
      require_alike(actual[key], value, where + "." + key);
    }
    REQUIRE(actual.size() == expected.size());
  } else {
    REQUIRE(actual == expected);
  }
}

}  // namespace

TEST_CASE("cuda: every command that computes with a model gives the CPU's output on --device cuda",
          "[cuda]") {
  INFO("aerec: " << cli_beside_tests());
  REQUIRE(std::filesystem::exists(cli_beside_tests()));
  const temp_dir out;
  for (const model_command& c : model_commands(out.path(), true)) {
    CAPTURE(c.what);
    // export's files hold the weights as they were read, so their bytes are the CPU's. Files
    // beside an output are not compared: a picture's pixels are rounded to bytes, where a
    // last bit may tip one, and a map's page file holds t-SNE's layout.
    const json cpu = output_of(c, run_model_command(c, " --device cpu"), true);
    const result gpu = run_model_command(c, " --device cuda");
    if (names_its_device(c)) CHECK_THAT(gpu.err, Catch::Contains("aerec: computing on cuda"));
    require_alike(output_of(c, gpu, true), cpu, c.what);
  }
}
