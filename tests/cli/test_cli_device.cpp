// --device: cpu, cuda and auto, for aerec train and every command that
// computes with a saved model, whether or not this machine has a GPU (the
// answers differ, and the test checks the one that applies here; on a GPU,
// test_cuda_cli.cpp compares the commands' outputs with the CPU's).
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "aerec/backend/cuda_backend.h"
#include "cli/train_runs.h"
#include "cuda/model_commands.h"

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

// --device cuda's answer on a machine without a GPU: exit 7, and why.
void expect_no_gpu(const result& r) {
  INFO("stderr: " << r.err);
  CHECK(r.code == 7);
  CHECK_THAT(r.err, Catch::StartsWith("aerec: error: --device cuda: ") &&
                        Catch::Contains(aerec::cuda_built() ? "CUDA device" : "built without CUDA"));
}

// How many commands model_commands lists (one model each).
std::size_t command_count() {
  const temp_dir out;
  return model_commands(out.path(), false).size();
}

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
  expect_no_gpu(run_aerec("train --device cuda" + f.data));
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

TEST_CASE("every command that computes with a model takes --device, with train's help", "[cli][device]") {
  for (const char* command : {"eval", "predict", "recommend", "reconstruct", "place", "map", "export"}) {
    CAPTURE(command);
    const result r = run_aerec(std::string(command) + " --help");
    REQUIRE(r.code == 0);
    CHECK_THAT(r.out, Catch::Contains("--device") &&
                          Catch::Contains("Compute on cpu, cuda (a GPU; an error when there is none"));
  }
}

// Opening cuBLAS maps about 200 MiB and takes a tenth of a second: a CUDA build opens it when it
// makes a CUDA backend, never for work on the CPU.
TEST_CASE("device: training on the CPU does not load cuBLAS", "[cli][device]") {
  device_fixture f;
  const result r = run_aerec("train --device cpu" + f.data, "LD_DEBUG=files");
  REQUIRE(r.code == 0);
  // The loader's list names the libraries it opened, so that its silence about cuBLAS means something.
  CHECK_THAT(r.err, Catch::Contains("file=libstdc++"));
  CHECK_THAT(r.err, !Catch::Contains("libcublas"));
}

TEST_CASE("device: cpu (--device) is the default of every command that computes with a model",
          "[cli][device]") {
  const temp_dir out;
  for (const model_command& c : model_commands(out.path(), false)) {
    CAPTURE(c.what);
    const json by_default = output_of(c, run_model_command(c, ""), false);
    const json files = files_beside_output(c);
    CHECK(output_of(c, run_model_command(c, " --device cpu"), false) == by_default);
    CHECK(files_beside_output(c) == files);
    if (has_gpu()) continue;
    // Without a GPU, auto is the CPU.
    const result automatic = run_model_command(c, " --device auto");
    if (names_its_device(c)) CHECK_THAT(automatic.err, Catch::Contains("aerec: computing on cpu"));
    CHECK(output_of(c, automatic, false) == by_default);
    CHECK(files_beside_output(c) == files);
  }
}

TEST_CASE("device: with --device cuda every command computes on the GPU, or says why not and writes nothing",
          "[cli][device]") {
  for (std::size_t i = 0; i < command_count(); ++i) {
    const temp_dir out;
    const model_command c = model_commands(out.path(), false)[i];
    CAPTURE(c.what);
    if (has_gpu()) {
      run_model_command(c, " --device cuda");
      continue;
    }
    const result r = run_aerec(c.args + " --device cuda");
    expect_no_gpu(r);
    CHECK(r.out.empty());
    CHECK(std::filesystem::is_empty(out.path()));
  }
}

TEST_CASE("device: --device takes only cpu, cuda or auto, on every command that computes with a model",
          "[cli][device]") {
  for (std::size_t i = 0; i < command_count(); ++i) {
    const temp_dir out;
    const model_command c = model_commands(out.path(), false)[i];
    CAPTURE(c.what);
    const result r = run_aerec(c.args + " --device gpu");
    expect_refusal(r, "unknown device 'gpu' (known: cpu, cuda, auto)");
    CHECK(r.out.empty());
    CHECK(std::filesystem::is_empty(out.path()));
  }
}
