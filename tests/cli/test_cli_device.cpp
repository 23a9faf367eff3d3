// aerec train --device: cpu, cuda and auto, whether or not this machine has a
// GPU (the answers differ, and the test checks the one that applies here).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "aerec/backend/cuda_backend.h"
#include "cli/train_runs.h"

using json = nlohmann::json;
using namespace aerec::testing;

namespace {

struct device_fixture {
  temp_dir dir;
  std::string data;
  device_fixture() {
    dir.write("u.data", two_taste_ratings(40, 20, [](int u, int m) { return (u + 2 * m) % 3 != 0; }));
    data = " --data " + dir.path().string() + " --split random:0.2 --epochs 2 --layers 8";
  }
};

bool has_gpu() { return aerec::cuda_device_count() > 0; }

}  // namespace

TEST_CASE("train --device cpu and auto train, and the metrics name the device", "[cli][device]") {
  device_fixture f;
  const json cpu = train_metrics("--device cpu", f.data, f.dir, "cpu");
  CHECK(cpu["device"] == "cpu");
  const json automatic = train_metrics("--device auto", f.data, f.dir, "auto");
  INFO("auto chose " << automatic["device"]);
  CHECK(automatic["device"].get<std::string>().rfind(has_gpu() ? "cuda" : "cpu", 0) == 0);
}

TEST_CASE("train --device cuda trains on the GPU, or says clearly why it cannot", "[cli][device]") {
  device_fixture f;
  if (has_gpu()) {
    const json m = train_metrics("--device cuda", f.data, f.dir, "cuda");
    CHECK(m["device"].get<std::string>().rfind("cuda", 0) == 0);
    return;
  }
  const result r = run_aerec("train --device cuda" + f.data);
  INFO("stderr: " << r.err);
  CHECK(r.code == 7);
  CHECK_THAT(r.err, Catch::StartsWith("aerec: error: --device cuda: ") &&
                        Catch::Contains(aerec::cuda_built() ? "CUDA device" : "built without CUDA"));
}

TEST_CASE("train --device takes only cpu, cuda or auto", "[cli][device]") {
  device_fixture f;
  const result r = run_aerec("train --device gpu" + f.data);
  expect_refusal(r, "unknown device 'gpu' (known: cpu, cuda, auto)");
}

TEST_CASE("a run resumes on another device: the device is not part of its configuration", "[cli][device]") {
  device_fixture f;
  const auto ckpt = (f.dir.path() / "run.ckpt").string();
  REQUIRE(run_aerec("train --device cpu --checkpoint-every 1 --checkpoint " + ckpt + f.data).code == 0);
  const auto metrics = (f.dir.path() / "resumed.json").string();
  const result r = run_aerec("train --resume " + ckpt + " --device auto --metrics-out " + metrics);
  INFO("stderr: " << r.err);
  REQUIRE(r.code == 0);
  CHECK(json::parse(read(metrics))["epochs"] == 2);
}
