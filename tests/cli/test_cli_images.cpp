// Image autoencoders from the CLI on a folder of IDX files the test writes:
// every image preset trains and reports its figures, reconstruct draws and
// prints its grid, info and map take an image model, and bad input is refused
// with nothing written.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli/cli_runner.h"
#include "idx_files.h"
#include "plot_files.h"
#include "temp_dir.h"

using json = nlohmann::json;
using namespace aerec::testing;

namespace {

// 28x28 images of a bright block whose place and size its label (0..9) sets,
// moved a pixel or two from image to image: MNIST's file layout, learnable in
// a few epochs.
std::string images_of(int count, int seed, std::string& labels) {
  std::string pixels(static_cast<std::size_t>(count) * 784, '\0');
  for (int i = 0; i < count; ++i) {
    const int label = (i * 7 + seed) % 10, jitter = (i * 5 + seed) % 3;
    labels += static_cast<char>(label);
    const int top = 2 + 2 * label + jitter, left = 4 + jitter, size = 6 + label % 4;
    for (int y = top; y < std::min(28, top + size); ++y)
      for (int x = left; x < left + 2 * size; ++x)
        pixels[static_cast<std::size_t>(i * 784 + y * 28 + x)] = '\xE6';
  }
  return pixels;
}

void write_part(const temp_dir& dir, const std::string& part, int count, int seed) {
  std::string labels;
  const std::string pixels = images_of(count, seed, labels);
  const auto n = static_cast<std::uint32_t>(count);
  dir.write(part + "-images-idx3-ubyte", idx_bytes(0x08, {n, 28, 28}, pixels));
  dir.write(part + "-labels-idx1-ubyte.gz", gzip(idx_bytes(0x08, {n}, labels)));
}

struct image_folder {
  temp_dir dir;
  image_folder() {
    write_part(dir, "train", 160, 1);
    write_part(dir, "t10k", 40, 2);
  }
};

const image_folder& images() {
  static image_folder f;
  return f;
}

// Trains `args` on the folder into dir/model.aerec; its metrics.
json train(const std::string& args, const temp_dir& out) {
  const auto metrics = out.path() / "m.json";
  const result r =
      run_aerec("train --data " + images().dir.path().string() + " --threads 1 " + args + " --out " +
                (out.path() / "model.aerec").string() + " --metrics-out " + metrics.string());
  INFO(r.err);
  REQUIRE(r.code == 0);
  return json::parse(read(metrics));
}

// A conv-denoise model trained once for the tests that read one.
const std::string& denoiser() {
  static temp_dir dir;
  static const std::string model = [] {
    train("--preset conv-denoise --epochs 3 --batch 16", dir);
    return (dir.path() / "model.aerec").string();
  }();
  return model;
}

}  // namespace

TEST_CASE("every image preset trains from the CLI and reports its figures with history", "[cli][images]") {
  for (const char* preset : {"conv", "conv-denoise", "dense-image"}) {
    CAPTURE(preset);
    temp_dir out;
    const json m = train(std::string("--preset ") + preset + " --epochs 2 --batch 16 --val 0.25", out);
    CHECK(m["preset"] == preset);
    CHECK(m["train_images"] == 120);
    CHECK(m["validation_images"] == 40);
    CHECK(m["test_images"] == 40);
    for (const char* figure : {"test_bce", "test_mse", "test_psnr"}) CHECK(m[figure].get<double>() > 0);
    CHECK(m["test_bce"].get<double>() < 0.75);  // below BCE of 0.5 everywhere on these images
    const bool denoising = std::string(preset) == "conv-denoise";
    CHECK(m.contains("test_psnr_noisy") == denoising);
    CHECK(m.contains("test_psnr_denoised") == denoising);
    REQUIRE(m["history"].size() == 2);
    for (const json& h : m["history"]) {
      CHECK(h["train_bce"].get<double>() > 0);
      CHECK(h["validation_bce"].get<double>() > 0);
    }
    CHECK_FALSE(m.contains("test_rmse"));
  }
}

TEST_CASE("aerec eval scores an image model on its set's test images as training did", "[cli][images]") {
  temp_dir out;
  const json m = train("--preset conv-denoise --epochs 1 --batch 16", out);
  const std::string model = (out.path() / "model.aerec").string();
  const result r = run_aerec("eval " + model + " --json");
  INFO(r.err);
  REQUIRE(r.code == 0);
  const json e = json::parse(r.out);
  CHECK(e["test_images"] == 40);
  for (const char* key : {"test_bce", "test_mse", "test_psnr", "test_psnr_noisy", "test_psnr_denoised"}) {
    CAPTURE(key);
    CHECK(e[key] == m[key]);
  }
  const result text = run_aerec("eval " + model);
  CHECK(text.out.find("denoising: PSNR") != std::string::npos);
  const result split = run_aerec("eval " + model + " --split u1");
  CHECK(split.code != 0);
  CHECK(split.err.find("an image model") != std::string::npos);
}

TEST_CASE("a denoising preset learns: its reconstructions beat the noisy inputs", "[cli][images]") {
  temp_dir out;
  const json m = train("--preset conv-denoise --epochs 12 --batch 16 --lr 0.003", out);
  INFO(m.dump());
  CHECK(m["test_psnr_denoised"].get<double>() > m["test_psnr_noisy"].get<double>() + 3);
}

TEST_CASE("aerec reconstruct draws originals, noisy inputs and reconstructions, and prints them as JSON",
          "[cli][images]") {
  temp_dir out;
  const auto png = out.path() / "grid.png";
  const std::string data = " --data " + images().dir.path().string();
  result r = run_aerec("reconstruct " + denoiser() + data + " --count 5 --noise 0.5 --png " + png.string());
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(r.out.find("PSNR of 5 images: noisy") != std::string::npos);
  const decoded_png clean = [&] {
    const auto two = out.path() / "two-rows.png";
    REQUIRE(run_aerec("reconstruct " + denoiser() + data + " --count 5 --png " + two.string()).code == 0);
    return read_png(two);
  }();
  const decoded_png three = read_png(png);
  CHECK(three.width == clean.width);
  CHECK(three.height > clean.height);  // the noisy row

  r = run_aerec("reconstruct " + denoiser() + data + " --first 3 --count 2 --noise 0.5 --json");
  REQUIRE(r.code == 0);
  const json j = json::parse(r.out);
  CHECK(j["first"] == 3);
  REQUIRE(j["inputs"].size() == 2 * 784);
  REQUIRE(j["reconstructions"].size() == 2 * 784);
  for (const json& v : j["reconstructions"]) REQUIRE((v.get<double>() >= 0 && v.get<double>() <= 1));
  CHECK(j["psnr_noisy"].get<double>() > 0);
  // The same seed, the same noise: the output is a function of its arguments.
  CHECK(json::parse(
            run_aerec("reconstruct " + denoiser() + data + " --first 3 --count 2 --noise 0.5 --json").out) ==
        j);
  CHECK_FALSE(json::parse(run_aerec("reconstruct " + denoiser() + data + " --count 1 --json").out)
                  .contains("psnr_noisy"));
}

TEST_CASE("aerec info and aerec map take an image model", "[cli][images]") {
  result r = run_aerec("info " + denoiser());
  REQUIRE(r.code == 0);
  CHECK(r.out.find("784 pixels (1x28x28") != std::string::npos);
  CHECK(r.out.find("1x28x28 -> 32x28x28 relu") != std::string::npos);
  CHECK(r.out.find("reconstructed pixels") != std::string::npos);
  const json info = json::parse(run_aerec("info --json " + denoiser()).out);
  CHECK(info["rows"] == "images");
  CHECK(info["code_size"] == 32 * 7 * 7);

  temp_dir out;
  const auto map_file = out.path() / "map.json";
  r = run_aerec("map " + denoiser() + " --of images --images 40 --perplexity 5 --data " +
                images().dir.path().string() + " --out " + map_file.string());
  INFO(r.err);
  REQUIRE(r.code == 0);
  const json map = json::parse(read(map_file));
  REQUIRE(map["points"].size() == 40);
  for (const json& p : map["points"]) {
    REQUIRE(p["kind"] == "image");
    REQUIRE(std::isfinite(p["x"].get<double>()));
    // Labels of a folder that is not Fashion-MNIST are the digits' names.
    REQUIRE(p["group"].get<std::string>().size() == 1);
  }
}

TEST_CASE("the image commands refuse bad input clearly and write nothing", "[cli][images]") {
  temp_dir out;
  const auto model = out.path() / "model.aerec";
  const std::string to = " --threads 1 --out " + model.string();
  // A truncated image file names itself.
  temp_dir broken;
  write_part(broken, "t10k", 10, 1);
  std::string labels;
  broken.write("train-images-idx3-ubyte", idx_bytes(0x08, {20, 28, 28}, images_of(19, 1, labels)));
  broken.write("train-labels-idx1-ubyte", idx_bytes(0x08, {20}, std::string(20, '\1')));
  result r = run_aerec("train --preset conv --epochs 1 --data " + broken.path().string() + to);
  CHECK(r.code != 0);
  CHECK(r.err.find("train-images-idx3-ubyte") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(model));
  // No such folder.
  r = run_aerec("train --preset conv --epochs 1 --data " + (out.path() / "nowhere").string() + to);
  CHECK(r.code != 0);
  CHECK(r.err.find("no such folder") != std::string::npos);
  // What an image run cannot take.
  r = run_aerec("train --preset conv --epochs 1 --split random:0.2 --data " + images().dir.path().string() +
                to);
  CHECK(r.code != 0);
  CHECK(r.err.find("split") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(model));

  // reconstruct: a count past the test images, an unknown noise, a rating model.
  const std::string data = " --data " + images().dir.path().string();
  r = run_aerec("reconstruct " + denoiser() + data + " --count 41 --json");
  CHECK(r.code != 0);
  CHECK(r.err.find("40 test images") != std::string::npos);
  r = run_aerec("reconstruct " + denoiser() + data + " --noise 0.2 --noise-kind blur --json");
  CHECK(r.code != 0);
  CHECK(r.err.find("blur") != std::string::npos);
  const std::string rating_model = std::string(AEREC_SOURCE_DIR) + "/web/demo/model.aerec";
  r = run_aerec("reconstruct " + rating_model + data + " --count 1 --json");
  CHECK(r.code != 0);
  CHECK(r.err.find("not an image model") != std::string::npos);
}
