// Training every preset on the CUDA backend against the CPU backend, model
// files across the two, and choosing the device.
#include <cmath>
#include <numeric>

#include "aerec/backend/device.h"
#include "aerec/data/implicit_feedback.h"
#include "aerec/io/model_file.h"
#include "aerec/train/image_run.h"
#include "aerec/train/image_trainer.h"
#include "aerec/train/trainer.h"
#include "cuda/cuda_fixtures.h"
#include "temp_dir.h"

using namespace aerec;
using namespace aerec::testing;

namespace {

// Ratings from a rank-2 taste model, 1..5, about 40% of the cells rated, with
// a user and a movie without ratings (skipped, or kept by the global kernel's whole matrix).
ratings fixture() {
  const int users = 37, movies = 29;
  rng random(21);
  const std::vector<float> u = random_vector(random, users * 2, -1, 1),
                           v = random_vector(random, movies * 2, -1, 1);
  std::vector<rating_entry> e;
  for (int i = 0; i < users; ++i)
    for (int j = 0; j < movies; ++j)
      if (i != 5 && j != 7 && random.uniform() < 0.4f) {
        const float taste = u[std::size_t(2 * i)] * v[std::size_t(2 * j)] +
                            u[std::size_t(2 * i + 1)] * v[std::size_t(2 * j + 1)];
        e.push_back({i, j, std::round(std::clamp(3 + 2.5f * taste, 1.0f, 5.0f))});
      }
  return ratings(users, movies, e);
}

// A preset for two epochs; GLocal-K's global kernel joins after the first, so
// that both stages run. Two changes keep the comparison well-conditioned
// (measured against the reference backend, whose rounding differs as a GPU's
// does, they bring the largest difference from 1e-3 to 6.4e-6; see below):
//  - an optimizer eps of at least 1e-5: Adam's first step is lr * g / (|g| +
//    eps), so a gradient within eps of 0 (a sum that cancels) turns its float
//    noise into a step difference of lr * noise / eps;
//  - one L-BFGS iteration an epoch: its line search compares losses, and where
//    two are within rounding of each other the backends can choose differently
//    (GLocal-K's fifth iteration of the second epoch amplifies 1e-8 differences
//    to 1e-3 on this fixture; on an H200, the third once did to 1.8e-2, with
//    the GPU's atomic sums in another order).
// The optimizer steps themselves are compared with PyTorch's eps in test_backend_ops.cpp.
train_config two_epochs(const std::string& name) {
  train_config c = preset(name);
  c.epochs = 2;
  c.global_kernel.pretrain_epochs = 1;
  c.optimizer.eps = std::max(c.optimizer.eps, 1e-5);
  if (c.lbfgs) c.lbfgs->max_iter = 1;
  return c;
}

// The rows a configuration trains on, prepared as the CLI prepares them:
// movies as rows when item-based, ratings of 4+ as implicit feedback for the multinomial objective.
ratings training_rows(const train_config& c) {
  const ratings r = c.item_based ? fixture().transpose() : fixture();
  return c.goal == objective::multinomial ? implicit_feedback(r, 4, true) : r;
}

struct preset_run {
  std::unique_ptr<autoencoder> net;
  std::vector<epoch_report> reports;
};

preset_run train(backend& b, const train_config& c, const ratings& rows) {
  const model_config& mc = c.model;
  preset_run run{
      std::make_unique<autoencoder>(b, stacked_layers(rows.cols(), mc.hidden, mc.hidden_act, mc.output_act,
                                                      mc.variational, mc.local_kernel_dim)),
      {}};
  rng init(c.seed);
  run.net->initialize(mc.init, init);
  trainer t(*run.net, c);
  for (int e = 0; e < c.epochs; ++e) run.reports.push_back(t.run_epoch(rows));
  return run;
}

// Every parameter (the global kernel's too, once added) copied to the host, by name.
std::vector<std::pair<std::string, std::vector<float>>> parameters_of(autoencoder& net) {
  std::vector<std::pair<std::string, std::vector<float>>> all;
  for (const parameter& p : net.parameters()) {
    std::vector<float> host(p.size);
    if (p.size > 0) net.device().to_host(host.data(), p.value, p.size * sizeof(float));
    all.emplace_back(p.name, std::move(host));
  }
  return all;
}

// Every row of `rows`, in order: the whole matrix, as a global kernel needs it.
sparse_batch all_rows(const ratings& rows) {
  std::vector<std::int32_t> index(std::size_t(rows.rows()));
  std::iota(index.begin(), index.end(), 0);
  return gather_rows(rows, index);
}

// Training's float rounding differs between the backends (summation order,
// fused multiply-adds) and compounds over the steps, so parameters and
// predictions are compared scale-aware: each element within 1e-4 relatively
// or within 1e-4 * max(0.1, the array's largest |value|): a floor of 0.1, not
// 1, so that arrays of small values (kernel points, biases) are still checked.
// Against the reference backend the largest difference is 6.4e-6 of that scale.
void require_trained_alike(std::span<const float> actual, std::span<const float> expected,
                           const std::string& what) {
  require_matches(actual, expected, tolerance{1e-4, 1e-4, true, 0.1}, what);
}

}  // namespace

TEST_CASE("cuda: two epochs of every preset match the CPU's reports and parameters", "[cuda]") {
  backend_pair on;
  for (const preset_info& p : presets()) {
    if (!p.ratings())
      continue;  // images below; sequences train through the host fallback (test_cli_sequences.cpp)
    CAPTURE(p.name);
    const train_config c = two_epochs(p.name);
    const ratings rows = training_rows(c);
    preset_run expected = train(*on.cpu, c, rows);
    preset_run actual = train(*on.device, c, rows);
    REQUIRE(actual.reports.size() == expected.reports.size());
    for (std::size_t e = 0; e < expected.reports.size(); ++e) {
      const std::string epoch = p.name + " epoch " + std::to_string(e + 1);
      require_matches(actual.reports[e].train_rmse, expected.reports[e].train_rmse, epoch + " train_rmse");
      require_matches(actual.reports[e].train_seed_loss, expected.reports[e].train_seed_loss,
                      epoch + " seed loss");
      require_matches(actual.reports[e].train_nll, expected.reports[e].train_nll, epoch + " train_nll");
    }
    const auto want = parameters_of(*expected.net), got = parameters_of(*actual.net);
    REQUIRE(got.size() == want.size());
    for (std::size_t k = 0; k < want.size(); ++k) {
      REQUIRE(got[k].first == want[k].first);
      require_trained_alike(got[k].second, want[k].second, p.name + " " + want[k].first);
    }
  }
}

// 24 images of 28x28, a bright block placed by the image's index: what the
// image presets' networks take. On CUDA their convolutions, pooling and
// per-pixel losses run through the op families' host implementations.
image_set block_images() {
  image_set s;
  s.count = 24;
  s.height = s.width = 28;
  s.pixels.assign(static_cast<std::size_t>(s.count) * 784, 0.0f);
  for (int i = 0; i < s.count; ++i) {
    for (int y = 3 + i % 9; y < 13 + i % 9; ++y)
      for (int x = 2 + i % 7; x < 18 + i % 7; ++x)
        s.pixels[static_cast<std::size_t>(i * 784 + y * 28 + x)] = 0.9f;
    s.labels.push_back(static_cast<std::uint8_t>(i % 10));
  }
  return s;
}

TEST_CASE("cuda: two epochs of every image preset match the CPU's losses and parameters", "[cuda]") {
  backend_pair on;
  const image_set images = block_images();
  for (const preset_info& p : presets()) {
    if (!p.images) continue;
    CAPTURE(p.name);
    train_config c = preset(p.name);
    c.batch_size = 8;
    c.optimizer.eps = std::max(c.optimizer.eps, 1e-5);  // as two_epochs, above
    const auto run = [&](backend& b) {
      autoencoder net(b, image_network(c.model, shape::image(1, 28, 28)));
      rng init(c.seed);
      net.initialize(c.model.init, init);
      image_trainer t(net, c);
      std::vector<double> losses;
      for (int e = 0; e < 2; ++e) losses.push_back(t.run_epoch(images).train_loss);
      losses.push_back(t.evaluate(images).bce);
      return std::pair(losses, parameters_of(net));
    };
    const auto [want_losses, want] = run(*on.cpu);
    const auto [got_losses, got] = run(*on.device);
    for (std::size_t k = 0; k < want_losses.size(); ++k)
      require_matches(got_losses[k], want_losses[k], p.name + " loss " + std::to_string(k));
    REQUIRE(got.size() == want.size());
    for (std::size_t k = 0; k < want.size(); ++k)
      require_trained_alike(got[k].second, want[k].second, p.name + " " + want[k].first);
  }
}

TEST_CASE("cuda: a model file written on either backend loads on the other and predicts the same", "[cuda]") {
  backend_pair on;
  // Dense layers; a variational code; kernel layers with a global kernel, item-based.
  for (const char* name : {"seed-fixed", "mult-vae", "glocal-k"})
    for (const bool trained_on_device : {true, false}) {
      CAPTURE(name, trained_on_device);
      backend& from = trained_on_device ? *on.device : *on.cpu;
      backend& to = trained_on_device ? *on.cpu : *on.device;
      const train_config c = two_epochs(name);
      const ratings rows = training_rows(c);
      const sparse_batch batch = all_rows(rows);
      preset_run run = train(from, c, rows);
      const std::vector<float> expected = run.net->predict(batch);
      std::vector<std::int32_t> ids(std::size_t(rows.cols()));
      std::iota(ids.begin(), ids.end(), 1);
      model trained(std::move(run.net), id_map(ids), rating_scale{1, 5});
      const temp_dir dir;
      save_model(dir.path() / "model.aerec", trained);
      model loaded = load_model(to, dir.path() / "model.aerec");
      REQUIRE(loaded.network().specs().size() == trained.network().specs().size());
      REQUIRE((loaded.network().global() != nullptr) == (trained.network().global() != nullptr));
      require_trained_alike(loaded.network().predict(batch), expected, std::string(name) + " predictions");
    }
}

TEST_CASE("cuda: --device cuda, and auto with a GPU present, choose the CUDA backend", "[cuda]") {
  CHECK(cuda_built());
  for (const device_choice d : {device_choice::cuda, device_choice::automatic}) {
    CAPTURE(device_choice_name(d));
    CHECK_THAT(make_backend(d, 1)->name(), Catch::Contains("cuda", Catch::CaseSensitive::No));
  }
}

TEST_CASE("cuda: a failed CUDA call is a device error naming file, line, call and CUDA's reason", "[cuda]") {
  const std::unique_ptr<backend> gpu = device_backend();
  try {
    gpu->allocate(std::size_t(1) << 52);  // 4 PiB: more than any GPU has
    FAIL("an impossible allocation succeeded");
  } catch (const aerec::error& e) {
    CHECK(e.code() == error_code::device_error);
    CHECK_THAT(e.what(), Catch::Contains("cuda_backend.cu:") && Catch::Contains("cudaMalloc") &&
                             Catch::Contains("cudaErrorMemoryAllocation"));
  }
  // The error is not sticky: the backend goes on working.
  device_array<float> x(*gpu, 3);
  gpu->fill(x.data(), 3, 2.5f);
  CHECK(x.download() == std::vector<float>(3, 2.5f));
}
