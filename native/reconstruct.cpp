// aerec reconstruct: an image model's reconstructions of test images, beside
// the originals (and the noisy inputs it was given), as a picture.
#include <cstdio>

#include "aerec/core/rng.h"
#include "aerec/data/image_noise.h"
#include "aerec/data/image_set.h"
#include "aerec/eval/psnr.h"
#include "aerec/io/model_file.h"
#include "aerec/plot/image_file.h"
#include "aerec/plot/image_grid.h"
#include "commands.h"
#include "data_source.h"
#include "output.h"
#include "run_cli.h"

namespace aerec::cli {

namespace {

struct reconstruct_args {
  std::string model, data = "fashion-mnist", png, noise_kind = "gaussian", device = "cpu";
  int count = 16, first = 0;
  float noise = 0;
  bool json = false;
  std::uint64_t seed = 1;
};

void run(const reconstruct_args& a) {
  if (a.png.empty() && !a.json)
    throw error(error_code::invalid_argument, "say where the result goes: --png or --json");
  if (!a.png.empty()) plot::format_of(a.png);  // a bad name stops before the work
  const std::unique_ptr<backend> device = make_device(a.device, 1, false);
  model m = load_model(*device, a.model);
  const image_data data = load_images_for(m, a.model, a.data);
  const image_set& test = data.test;
  if (a.first < 0 || a.count < 1 || a.first + a.count > test.count)
    throw error(error_code::invalid_argument,
                "--first and --count must pick from the " + std::to_string(test.count) + " test images");
  const int pixels = test.pixels_per_image();
  const auto from = static_cast<std::size_t>(a.first) * static_cast<std::size_t>(pixels);
  const std::vector<float> clean(test.pixels.begin() + static_cast<std::ptrdiff_t>(from),
                                 test.pixels.begin() + static_cast<std::ptrdiff_t>(from) + a.count * pixels);
  std::vector<float> input = clean;
  std::vector<plot::image_row> rows = {{"original", clean}};
  if (a.noise > 0) {
    rng random(a.seed);
    add_noise(input, {parse_image_noise(a.noise_kind), a.noise}, random);
    char label[48];
    std::snprintf(label, sizeof label, "noisy %g", static_cast<double>(a.noise));
    rows.push_back({label, input});
  }
  const std::vector<float> output = m.reconstruct(input);
  rows.push_back({"reconstructed", output});
  if (!a.png.empty()) plot::write_image_grid(a.png, rows, test.height, test.width);
  if (a.json) {
    // Inputs and outputs exactly, for comparing other runtimes (the wasm module) with this one.
    json out = {{"first", a.first}, {"count", a.count},
                {"noise", a.noise}, {"psnr", mean_psnr(output, clean, pixels)},
                {"inputs", input},  {"reconstructions", output}};
    if (a.noise > 0) out["psnr_noisy"] = mean_psnr(input, clean, pixels);
    std::printf("%s\n", out.dump().c_str());
    return;
  }
  if (a.noise > 0)
    std::printf("PSNR of %d images: noisy %.2f dB, reconstructed %.2f dB\n", a.count,
                mean_psnr(input, clean, pixels), mean_psnr(output, clean, pixels));
  else
    std::printf("PSNR of %d images: reconstructed %.2f dB\n", a.count, mean_psnr(output, clean, pixels));
  if (!a.png.empty()) std::printf("wrote %s\n", a.png.c_str());
}

}  // namespace

void add_reconstruct_command(CLI::App& app) {
  auto args = std::make_shared<reconstruct_args>();
  CLI::App* cmd = app.add_subcommand(
      "reconstruct", "An image model's reconstructions of test images beside the originals, as a picture");
  cmd->add_option("model", args->model, "Image model file written by aerec train")->required();
  cmd->add_option("--data", args->data, "fashion-mnist, or a folder of MNIST-style IDX files")
      ->capture_default_str();
  cmd->add_option("--count", args->count, "How many test images")->capture_default_str();
  cmd->add_option("--first", args->first, "The first test image shown (0-based)")->capture_default_str();
  cmd->add_option("--noise", args->noise, "Noise on the inputs (0: none): the Gaussian factor, or a fraction")
      ->capture_default_str();
  cmd->add_option("--noise-kind", args->noise_kind, "gaussian, salt-pepper or masking")
      ->capture_default_str();
  cmd->add_option("--seed", args->seed, "Seed of the noise")->capture_default_str();
  cmd->add_option("--png", args->png,
                  "The picture (.png or .svg): rows of originals, noisy inputs and reconstructions");
  cmd->add_flag("--json", args->json, "Print the inputs, reconstructions and PSNRs as JSON");
  add_device_option(*cmd, args->device);
  cmd->callback([args] { run(*args); });
}

}  // namespace aerec::cli
