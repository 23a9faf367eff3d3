// Checkpoints (a model file with training state) and the optimizer state they carry.
#include <bit>
#include <catch2/catch.hpp>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "aerec/backend/cpu_backend.h"
#include "aerec/backend/device_array.h"
#include "aerec/core/rng.h"
#include "aerec/io/checkpoint.h"
#include "aerec/io/file_io.h"
#include "aerec/io/model_file.h"
#include "aerec/train/early_stopping.h"
#include "aerec/train/optimizer.h"
#include "aerec/train/trainer.h"
#include "expect_error.h"
#include "small_model.h"
#include "temp_dir.h"

using aerec::checkpoint_state;
using aerec::optimizer_config;
using aerec::optimizer_kind;
using aerec::testing::code_name;
using aerec::testing::error_from;
using aerec::testing::temp_dir;
using Catch::Matchers::Contains;

namespace {

using aerec::testing::make_small_model;
const auto& movie_ids = aerec::testing::small_model_movie_ids;

aerec::model make_model(aerec::backend& b, std::uint64_t seed = 7) {
  return make_small_model(b, seed, aerec::rating_scale{0.5f, 5});
}

std::vector<std::uint32_t> parameter_bits(aerec::autoencoder& net) {
  std::vector<std::uint32_t> bits;
  for (const aerec::parameter& p : net.parameters())
    for (std::size_t i = 0; i < p.size; ++i) bits.push_back(std::bit_cast<std::uint32_t>(p.value[i]));
  return bits;
}

void require_same_model(aerec::model& a, aerec::model& b) {
  CHECK(std::vector<std::int32_t>(a.items().ids().begin(), a.items().ids().end()) ==
        std::vector<std::int32_t>(b.items().ids().begin(), b.items().ids().end()));
  CHECK(a.scale().min == b.scale().min);
  CHECK(a.scale().max == b.scale().max);
  CHECK(a.metadata() == b.metadata());
  CHECK(a.network().specs().size() == b.network().specs().size());
  CHECK(parameter_bits(a.network()) == parameter_bits(b.network()));
}

// State strings with every byte value, a NUL among them, and an empty one.
checkpoint_state sample_state() {
  std::string bytes;
  for (int c = 0; c < 256; ++c) bytes += static_cast<char>(c);
  return {bytes + bytes, std::string("\0stop\0", 6), ""};
}

std::string model_format_error(const std::function<void()>& f) {
  const auto e = error_from(f);
  REQUIRE(e);
  CHECK(code_name(*e) == "model_format");
  return e->what();
}

}  // namespace

TEST_CASE("checkpoint: save and load round trip", "[checkpoint]") {
  temp_dir dir;
  const auto b = aerec::make_cpu_backend();
  aerec::model m = make_model(*b);
  const auto path = dir.path() / "run.ckpt";
  aerec::save_checkpoint(path, m, sample_state());
  CHECK_FALSE(std::filesystem::exists(dir.path() / "run.ckpt.tmp"));

  const auto b2 = aerec::make_cpu_backend();
  checkpoint_state state;
  aerec::model loaded = aerec::load_checkpoint(*b2, path, state);
  CHECK(state.trainer == sample_state().trainer);
  CHECK(state.stopping == sample_state().stopping);
  CHECK(state.run == sample_state().run);
  require_same_model(m, loaded);

  // Another model's weights differ, so the comparison above can fail.
  aerec::model other = make_model(*b, 8);
  CHECK(parameter_bits(other.network()) != parameter_bits(m.network()));
}

TEST_CASE("checkpoint: load_model reads a checkpoint as a model", "[checkpoint]") {
  temp_dir dir;
  const auto b = aerec::make_cpu_backend();
  aerec::model m = make_model(*b);
  const auto path = dir.path() / "run.ckpt";
  aerec::save_checkpoint(path, m, sample_state());
  aerec::model loaded = aerec::load_model(*b, path);
  require_same_model(m, loaded);

  // The training state is three extra sections after the model's own.
  aerec::model_file_details details;
  aerec::deserialize_model(*b, aerec::read_file(path), path.string(), &details);
  CHECK(details.extra == aerec::extra_sections{{"RUNJ", ""},
                                               {"STOP", sample_state().stopping},
                                               {"TRNR", sample_state().trainer}});
  // A plain model file has none.
  aerec::model_file_details none;
  aerec::deserialize_model(*b, aerec::serialize_model(m), "model bytes", &none);
  CHECK(none.extra.empty());
}

TEST_CASE("checkpoint: a model file is not a checkpoint", "[checkpoint]") {
  temp_dir dir;
  const auto b = aerec::make_cpu_backend();
  aerec::model m = make_model(*b);
  const auto plain = dir.path() / "model.aerec";
  aerec::save_model(plain, m);
  // Nor is a file with only part of the training state.
  const auto partial = dir.write("partial.ckpt", aerec::serialize_model(m, {{"TRNR", "x"}, {"STOP", "y"}}));
  for (const auto& path : {plain, partial}) {
    CAPTURE(path.string());
    checkpoint_state state;
    CHECK_THAT(model_format_error([&] { aerec::load_checkpoint(*b, path, state); }),
               Contains(path.string()) && Contains("not a checkpoint"));
  }
}

TEST_CASE("checkpoint: damaged and missing checkpoints", "[checkpoint]") {
  temp_dir dir;
  const auto b = aerec::make_cpu_backend();
  aerec::model m = make_model(*b);
  const auto path = dir.path() / "run.ckpt";
  aerec::save_checkpoint(path, m, sample_state());
  const std::string bytes = aerec::read_file(path);
  checkpoint_state state;
  for (const std::size_t n : {std::size_t{0}, std::size_t{20}, bytes.size() / 2, bytes.size() - 1}) {
    CAPTURE(n);
    const auto cut = dir.write("cut.ckpt", bytes.substr(0, n));
    CHECK_THAT(model_format_error([&] { aerec::load_checkpoint(*b, cut, state); }), Contains(cut.string()));
  }
  std::string flipped = bytes;
  flipped[bytes.size() - 100] = static_cast<char>(flipped[bytes.size() - 100] ^ 1);  // in the training state
  const auto damaged = dir.write("damaged.ckpt", flipped);
  CHECK_THAT(model_format_error([&] { aerec::load_checkpoint(*b, damaged, state); }),
             Contains("checksum mismatch"));

  const auto e = error_from([&] { aerec::load_checkpoint(*b, dir.path() / "missing.ckpt", state); });
  REQUIRE(e);
  CHECK(code_name(*e) == "io_error");
}

TEST_CASE("checkpoint: a failed save leaves no file and any earlier one whole", "[checkpoint]") {
  temp_dir dir;
  const auto b = aerec::make_cpu_backend();
  aerec::model m = make_model(*b);

  SECTION("into a missing folder") {
    const auto path = dir.path() / "no-such-dir" / "run.ckpt";
    const auto e = error_from([&] { aerec::save_checkpoint(path, m, sample_state()); });
    REQUIRE(e);
    CHECK(code_name(*e) == "io_error");
    CHECK_THAT(e->what(), Contains(path.string()));
    CHECK(std::filesystem::is_empty(dir.path()));
  }
  SECTION("over an earlier checkpoint, when the temporary file cannot be written") {
    const auto path = dir.path() / "run.ckpt";
    aerec::save_checkpoint(path, m, sample_state());
    const std::string earlier = aerec::read_file(path);
    // A folder where the temporary file would go makes the write fail (even as root).
    std::filesystem::create_directory(dir.path() / "run.ckpt.tmp");
    aerec::model other = make_model(*b, 8);
    const auto e = error_from([&] { aerec::save_checkpoint(path, other, {"t", "s", "r"}); });
    REQUIRE(e);
    CHECK(code_name(*e) == "io_error");
    CHECK(aerec::read_file(path) == earlier);
  }
}

TEST_CASE("checkpoint: training resumed from a checkpoint matches uninterrupted training", "[checkpoint]") {
  // Four users' ratings of the six movies.
  const aerec::ratings data(4, 6,
                            std::vector<aerec::rating_entry>{{0, 0, 5},
                                                             {0, 3, 2},
                                                             {1, 1, 1},
                                                             {1, 2, 3},
                                                             {1, 5, 4.5f},
                                                             {2, 0, 4},
                                                             {2, 4, 1},
                                                             {3, 2, 2},
                                                             {3, 3, 5},
                                                             {3, 5, 3}});
  aerec::train_config c;
  c.model.hidden = {4, 3, 4};
  c.optimizer = aerec::default_optimizer_config(optimizer_kind::adam);
  c.batch_size = 1;
  c.shuffle = true;
  const auto b = aerec::make_cpu_backend();

  aerec::model whole = make_model(*b);
  aerec::trainer uninterrupted(whole.network(), c);
  aerec::early_stopping whole_stopping(2);
  for (int e = 1; e <= 4; ++e) {
    uninterrupted.run_epoch(data);
    whole_stopping.record(e, 1.0 / e, whole.network());
  }

  temp_dir dir;
  const auto path = dir.path() / "run.ckpt";
  {
    aerec::model first = make_model(*b);
    aerec::trainer t(first.network(), c);
    aerec::early_stopping stopping(2);
    t.run_epoch(data);
    stopping.record(1, 1.0, first.network());
    int calls = 0;
    REQUIRE_FALSE(t.run_epoch(data, [&] { return ++calls > 2; }));
    aerec::save_checkpoint(path, first, {t.save_state(), stopping.save_state(), "{\"split\":\"u1\"}"});
  }
  const auto b2 = aerec::make_cpu_backend();
  checkpoint_state state;
  aerec::model resumed = aerec::load_checkpoint(*b2, path, state);
  CHECK(state.run == "{\"split\":\"u1\"}");
  aerec::trainer t(resumed.network(), c);
  t.load_state(state.trainer, path.string());
  aerec::early_stopping stopping(2);
  stopping.load_state(state.stopping, path.string());
  CHECK(t.epochs_done() == 1);
  CHECK(stopping.best_epoch() == 1);
  for (int e = 2; e <= 4; ++e) {
    const aerec::epoch_report report = t.run_epoch(data);
    CHECK(report.epoch == e);
    stopping.record(e, 1.0 / e, resumed.network());
  }
  CHECK(parameter_bits(resumed.network()) == parameter_bits(whole.network()));
  CHECK(stopping.save_state() == whole_stopping.save_state());
}

// --- optimizer state -------------------------------------------------------

namespace {

// Two parameters on the CPU backend, stepped with fixed gradients.
struct optimized {
  explicit optimized(const optimizer_config& c, std::size_t size_a = 5, std::size_t size_b = 3)
      : backend(aerec::make_cpu_backend()),
        a(*backend, size_a),
        b(*backend, size_b),
        grad_a(*backend, size_a),
        grad_b(*backend, size_b),
        opt(*backend, c, {{"a", a.data(), grad_a.data(), size_a}, {"b", b.data(), grad_b.data(), size_b}}) {
    for (std::size_t i = 0; i < size_a; ++i) a.data()[i] = 0.5f - 0.25f * static_cast<float>(i);
    for (std::size_t i = 0; i < size_b; ++i) b.data()[i] = -1.0f + 0.75f * static_cast<float>(i);
  }
  void step(int t) {
    for (std::size_t i = 0; i < a.capacity(); ++i)
      grad_a.data()[i] = 0.1f * static_cast<float>((t + 1) * static_cast<int>(i % 3) - 1);
    for (std::size_t i = 0; i < b.capacity(); ++i) grad_b.data()[i] = 0.3f / static_cast<float>(t + i + 1);
    opt.step();
  }
  std::vector<float> values() const {
    std::vector<float> v = a.download();
    const std::vector<float> w = b.download();
    v.insert(v.end(), w.begin(), w.end());
    return v;
  }
  void copy_values_from(const optimized& other) {
    std::memcpy(a.data(), other.a.data(), a.capacity() * sizeof(float));
    std::memcpy(b.data(), other.b.data(), b.capacity() * sizeof(float));
  }

  std::unique_ptr<aerec::backend> backend;
  aerec::device_array<float> a, b, grad_a, grad_b;
  aerec::optimizer opt;
};

optimizer_config full_state(optimizer_kind kind) {
  optimizer_config c = aerec::default_optimizer_config(kind);
  c.momentum = kind == optimizer_kind::sgd || kind == optimizer_kind::rmsprop ? 0.9 : 0;
  c.centered = kind == optimizer_kind::rmsprop;
  c.amsgrad = kind == optimizer_kind::adam || kind == optimizer_kind::adamw;
  return c;
}

}  // namespace

TEST_CASE("optimizer state: a loaded state continues the same steps", "[checkpoint]") {
  for (const optimizer_kind kind : aerec::all_optimizers()) {
    CAPTURE(aerec::optimizer_name(kind));
    const optimizer_config c = full_state(kind);
    optimized whole(c), first(c), second(c);
    for (int t = 0; t < 3; ++t) {
      whole.step(t);
      first.step(t);
    }
    second.copy_values_from(first);
    second.opt.load_state(first.opt.save_state(), "state");
    CHECK(second.opt.steps() == 3);
    CHECK(second.opt.save_state() == first.opt.save_state());
    for (int t = 3; t < 6; ++t) {
      whole.step(t);
      second.step(t);
    }
    CHECK(second.values() == whole.values());

    // Without the state, the same values continue differently: the
    // comparison above can fail.
    optimized restarted(c);
    restarted.copy_values_from(first);
    for (int t = 3; t < 6; ++t) restarted.step(t);
    CHECK(restarted.values() != whole.values());
  }
}

TEST_CASE("optimizer state: states that do not fit are model_format errors", "[checkpoint]") {
  const optimizer_config adam = full_state(optimizer_kind::adam);
  optimized source(adam);
  source.step(0);
  const std::string state = source.opt.save_state();
  const auto rejected = [](optimized& target, const std::string& bytes) {
    const std::string message = model_format_error([&] { target.opt.load_state(bytes, "ckpt.aerec"); });
    CHECK_THAT(message, Contains("ckpt.aerec") && Contains("optimizer state"));
    return message;
  };

  optimized larger(adam, 6, 3);
  optimized sgd(full_state(optimizer_kind::sgd));
  optimized no_amsgrad(aerec::default_optimizer_config(optimizer_kind::adam));
  CHECK_THAT(rejected(larger, state), Contains("does not fit adam"));
  CHECK_THAT(rejected(sgd, state), Contains("does not fit sgd"));
  CHECK_THAT(rejected(no_amsgrad, state), Contains("does not fit adam"));
  for (std::size_t n = 0; n < state.size(); n += 3) {
    CAPTURE(n);
    optimized target(adam);
    rejected(target, state.substr(0, n));
  }
  optimized target(adam);
  rejected(target, state + '\0');
  std::string negative = state;
  const std::int64_t minus_one = -1;
  std::memcpy(negative.data(), &minus_one, sizeof minus_one);
  rejected(target, negative);
}
