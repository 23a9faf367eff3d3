// Data-parallel training (collective.h) in one process: threads stand in for
// MPI ranks, each with its own network and backend, so that every build (the
// sanitizers' too) checks that N processes train the one-process model.
#include <algorithm>
#include <barrier>
#include <catch2/catch.hpp>
#include <cmath>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "aerec/backend/cpu_backend.h"
#include "aerec/nn/autoencoder.h"
#include "aerec/nn/image_layers.h"
#include "aerec/nn/sequence_layers.h"
#include "aerec/train/image_run.h"
#include "aerec/train/image_trainer.h"
#include "aerec/train/sequence_trainer.h"
#include "aerec/train/trainer.h"
#include "expect_error.h"

using namespace aerec;

namespace {

// N ranks as threads: every sum gathers each rank's values and adds them in
// rank order, as mpi_collective does.
class thread_group {
 public:
  explicit thread_group(int size) : size_(size), sync_(size), slots_(static_cast<std::size_t>(size)) {}

  class member final : public collective {
   public:
    member(thread_group& group, int rank) : group_(group), rank_(rank) {}
    int rank() const override { return rank_; }
    int size() const override { return group_.size_; }
    void sum_gradients(backend& b, std::span<const parameter> params) override {
      std::vector<float> flat;
      for (const parameter& p : params) {
        const std::size_t at = flat.size();
        flat.resize(at + p.size);
        b.to_host(flat.data() + at, p.grad, p.size * sizeof(float));
      }
      std::vector<double> wide(flat.begin(), flat.end());
      group_.add_up(rank_, wide);
      std::size_t at = 0;
      for (const parameter& p : params) {
        for (std::size_t i = 0; i < p.size; ++i) flat[at + i] = static_cast<float>(wide[at + i]);
        b.to_device(p.grad, flat.data() + at, p.size * sizeof(float));
        at += p.size;
      }
    }
    void sum(std::span<double> values) override {
      std::vector<double> v(values.begin(), values.end());
      group_.add_up(rank_, v);
      std::copy(v.begin(), v.end(), values.begin());
    }

   private:
    thread_group& group_;
    int rank_;
  };

  // Runs body(rank, collective) on every rank's thread.
  void run(const std::function<void(collective&)>& body) {
    std::vector<std::thread> threads;
    for (int r = 0; r < size_; ++r)
      threads.emplace_back([this, r, &body] {
        member m(*this, r);
        body(m);
      });
    for (std::thread& t : threads) t.join();
  }

 private:
  // Every rank adds the same values in rank order, so all hold the same sums.
  void add_up(int rank, std::vector<double>& values) {
    slots_[static_cast<std::size_t>(rank)] = values;
    sync_.arrive_and_wait();
    for (std::size_t i = 0; i < values.size(); ++i) {
      double sum = 0;
      for (const auto& slot : slots_) sum += slot[i];
      values[i] = sum;
    }
    sync_.arrive_and_wait();  // nobody writes a slot before every rank has read them all
  }

  int size_;
  std::barrier<> sync_;
  std::vector<std::vector<double>> slots_;
};

ratings synthetic(int users, int items, std::uint64_t seed) {
  rng random(seed);
  std::vector<rating_entry> e;
  for (int i = 0; i < users; ++i)
    for (int j = 0; j < items; ++j)
      if (random.uniform() < 0.4f) e.push_back({i, j, std::round(random.uniform(1, 5))});
  return ratings(users, items, e);
}

struct outcome {
  std::vector<float> parameters;
  std::vector<epoch_report> reports;
};

std::vector<float> values_of(autoencoder& net) {
  std::vector<float> all;
  for (const parameter& p : net.parameters()) all.insert(all.end(), p.value, p.value + p.size);
  return all;
}

outcome train(const ratings& data, const train_config& c, collective& together) {
  auto b = make_cpu_backend(1);
  const model_config& mc = c.model;
  autoencoder net(*b, stacked_layers(data.cols(), mc.hidden, mc.hidden_act, mc.output_act, mc.variational,
                                     mc.local_kernel_dim));
  rng init(c.seed);
  net.initialize(mc.init, init);
  trainer t(net, c, together);
  outcome o;
  for (int e = 0; e < c.epochs; ++e) o.reports.push_back(t.run_epoch(data));
  o.parameters = values_of(net);
  return o;
}

// Each rank's outcome of `trained(collective)` on `ranks` threads.
std::vector<outcome> train_on(int ranks, const std::function<outcome(collective&)>& trained) {
  std::vector<outcome> each(static_cast<std::size_t>(ranks));
  thread_group group(ranks);
  group.run(
      [&](collective& together) { each[static_cast<std::size_t>(together.rank())] = trained(together); });
  return each;
}

// The largest difference between two parameter lists of the same network.
float largest_difference(const std::vector<float>& a, const std::vector<float>& b) {
  REQUIRE(a.size() == b.size());
  float worst = 0;
  for (std::size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(a[i] - b[i]));
  return worst;
}

// The preset, small enough for a unit test: a few epochs of batches that do not divide evenly.
train_config small(const std::string& name) {
  train_config c = preset(name);
  c.epochs = 3;
  if (c.batch_size > 1) c.batch_size = 7;
  for (int& units : c.model.hidden) units = std::min(units, 12);
  if (c.lbfgs) c.global_kernel.pretrain_epochs = 1;  // the global kernel's epochs too
  // The strong-Wolfe search's cubic steps can turn a gradient's last-bit
  // differences into another step (see the README): the fixed step keeps
  // what is compared here to the sums themselves.
  if (c.lbfgs) c.lbfgs->strong_wolfe = false;
  return c;
}

// `epochs` epochs of an image or sequence trainer: each one's training loss, then the parameters.
template <class Trainer, class Data>
outcome epochs_of(Trainer& t, const Data& data, int epochs, autoencoder& net) {
  outcome o;
  for (int e = 0; e < epochs; ++e) o.reports.push_back({0, t.run_epoch(data).train_loss, 0, 0});
  o.parameters = values_of(net);
  return o;
}

// What `trained` gives on 2 and 3 ranks: the same on every rank, and what one process gives.
void check_like_one_process(const std::function<outcome(collective&)>& trained) {
  const outcome alone = trained(one_process());
  for (const int ranks : {2, 3}) {
    const std::vector<outcome> each = train_on(ranks, trained);
    for (const outcome& o : each) REQUIRE(o.parameters == each[0].parameters);
    CHECK(largest_difference(each[0].parameters, alone.parameters) < 1e-5f);
    CHECK(each[0].reports.back().train_rmse == Approx(alone.reports.back().train_rmse).epsilon(1e-6));
  }
}

}  // namespace

TEST_CASE("batch shares split a batch in rank order, the first ranks taking the remainder", "[collective]") {
  thread_group group(3);
  std::vector<batch_share> shares(3);
  group.run([&](collective& c) { shares[static_cast<std::size_t>(c.rank())] = c.share_of(8); });
  CHECK(shares[0].begin == 0);
  CHECK(shares[0].end == 3);
  CHECK(shares[1].begin == 3);
  CHECK(shares[1].end == 6);
  CHECK(shares[2].begin == 6);
  CHECK(shares[2].end == 8);
  CHECK(shares[2].fraction() == Approx(0.25));
  CHECK(one_process().share_of(1).rows() == 1);
  group.run([&](collective& c) { shares[static_cast<std::size_t>(c.rank())] = c.share_of(1); });
  CHECK(shares[0].rows() == 1);
  CHECK(shares[1].rows() == 0);
  CHECK(shares[2].rows() == 0);
}

TEST_CASE("2 and 3 processes train every rating preset's model as one process does", "[collective]") {
  const ratings data = synthetic(45, 30, 7);
  for (const preset_info& p : presets()) {
    if (!p.ratings()) continue;
    CAPTURE(p.name);
    const train_config c = small(p.name);
    const outcome alone = train(data, c, one_process());
    train_config reseeded = c;
    reseeded.seed += 1;
    const outcome other = train(data, reseeded, one_process());
    // What the tolerance below must be far smaller than.
    CHECK(largest_difference(other.parameters, alone.parameters) > 1e-2f);
    for (const int ranks : {2, 3}) {
      CAPTURE(ranks);
      const std::vector<outcome> each =
          train_on(ranks, [&](collective& together) { return train(data, c, together); });
      // Every rank holds the same model, bit for bit: the sums are the same everywhere.
      for (const outcome& o : each) REQUIRE(o.parameters == each[0].parameters);
      // Float rounding only: a share's products add up in another order.
      // L-BFGS's larger steps carry it further (seeds 1-7 of this data: up to 2.1e-4).
      CHECK(largest_difference(each[0].parameters, alone.parameters) < (c.lbfgs ? 1e-3f : 1e-4f));
      for (std::size_t e = 0; e < alone.reports.size(); ++e) {
        CHECK(each[0].reports[e].train_rmse == Approx(alone.reports[e].train_rmse).epsilon(1e-5));
        CHECK(each[0].reports[e].train_seed_loss == Approx(alone.reports[e].train_seed_loss).epsilon(1e-5));
        CHECK(each[0].reports[e].train_nll == Approx(alone.reports[e].train_nll).epsilon(1e-5));
      }
    }
  }
}

TEST_CASE("the KL activity penalty, a mean over the whole batch, is refused across processes",
          "[collective]") {
  train_config c = small("sparse");
  c.penalties.activity = {activity_kind::kl, 0.1f, 0.05f, -1};
  const ratings data = synthetic(10, 8, 1);
  thread_group group(2);
  std::vector<std::string> errors(2);
  group.run([&](collective& together) {
    const auto e = aerec::testing::error_from([&] { train(data, c, together); });
    errors[static_cast<std::size_t>(together.rank())] = e ? e->what() : "no error";
  });
  CHECK_THAT(errors[0], Catch::Contains("KL activity penalty"));
  CHECK_THAT(errors[1], Catch::Contains("one process"));
}

TEST_CASE("2 and 3 processes train the image and sequence models as one process does", "[collective]") {
  SECTION("a denoising convolutional autoencoder") {
    image_set images;
    images.count = 45;
    images.height = images.width = 8;
    rng random(3);
    for (int i = 0; i < images.count * 64; ++i) images.pixels.push_back(random.uniform());
    train_config c = preset("conv");
    c.model.conv = "c4,p2,c4,u2";
    c.batch_size = 7;
    c.input_noise = 0.3f;
    c.epochs = 2;
    const auto trained = [&](collective& together) {
      auto b = make_cpu_backend(1);
      autoencoder net(*b, image_network(c.model, shape::image(1, 8, 8)));
      rng init(c.seed);
      net.initialize(c.model.init, init);
      image_trainer t(net, c, together);
      return epochs_of(t, images, c.epochs, net);
    };
    check_like_one_process(trained);
  }
  SECTION("a sequence autoencoder with dropout") {
    user_histories h;
    for (int u = 0; u < 15; ++u) {
      h.columns.emplace_back();
      for (int k = 0; k < 5; ++k) h.columns.back().push_back((u * 3 + k * 7) % 10);
      h.ratings.emplace_back(5, 3.0f);
    }
    train_config c = preset("seq2seq");
    c.batch_size = 7;
    c.epochs = 2;
    const sequence_config shape{.length = 4, .steps = 2, .embedding = 6, .hidden = 8, .with_rating = false};
    const auto trained = [&](collective& together) {
      auto b = make_cpu_backend(1);
      autoencoder net(*b, seq2seq_layers(10, shape));
      rng init(5);
      net.initialize(init_scheme::pytorch, init);
      sequence_trainer t(net, c, together);
      return epochs_of(t, h, c.epochs, net);
    };
    check_like_one_process(trained);
  }
}
