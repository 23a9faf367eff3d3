// Host code never touches backend memory directly, as a GPU requires: every
// preset trains, resumes, saves, loads, predicts and is scored on the guarded
// backend (guarded_backend.h), with results identical to the CPU backend's.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <csignal>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "aerec/backend/cpu_backend.h"
#include "aerec/data/implicit_feedback.h"
#include "aerec/eval/metrics.h"
#include "aerec/eval/ranking_metrics.h"
#include "aerec/io/checkpoint.h"
#include "aerec/io/model_file.h"
#include "aerec/train/early_stopping.h"
#include "aerec/train/trainer.h"
#include "guarded_backend.h"
#include "temp_dir.h"

using namespace aerec;
using aerec::testing::make_guarded_backend;
using aerec::testing::temp_dir;

namespace {

// Whether fn, run in a child process, dies of SIGSEGV.
bool dies_of_sigsegv(const std::function<void()>& fn) {
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    std::signal(SIGSEGV, SIG_DFL);  // not Catch's handler: the parent reads the signal
    fn();
    ::_exit(0);
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  return WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV;
}

// 24 users x 18 movies (scattered ids) from a rank-2 taste model: about 45% of
// the cells for training, 10% for testing and 5% for validation; one user and
// one movie have none.
dataset fixture() {
  rng random(11);
  const int users = 24, items = 18;
  std::vector<float> u(2 * users), v(2 * items);
  for (float& x : u) x = random.uniform(-1, 1);
  for (float& x : v) x = random.uniform(-1, 1);
  std::vector<rating_entry> train, test, validation;
  for (int i = 0; i < users; ++i)
    for (int j = 0; j < items; ++j) {
      const float draw = random.uniform();
      const float taste = u[2 * static_cast<std::size_t>(i)] * v[2 * static_cast<std::size_t>(j)] +
                          u[2 * static_cast<std::size_t>(i) + 1] * v[2 * static_cast<std::size_t>(j) + 1];
      const rating_entry e{i, j, std::round(std::clamp(3 + 2.5f * taste, 1.0f, 5.0f))};
      if (i == 5 || j == 4) continue;  // a user and a movie with no ratings at all
      if (draw < 0.45f)
        train.push_back(e);
      else if (draw < 0.55f)
        test.push_back(e);
      else if (draw < 0.6f)
        validation.push_back(e);
    }
  dataset d;
  std::vector<std::int32_t> user_ids(users), item_ids(items);
  for (int i = 0; i < users; ++i) user_ids[static_cast<std::size_t>(i)] = 1 + i;
  for (int j = 0; j < items; ++j) item_ids[static_cast<std::size_t>(j)] = 7 * j + 3;
  d.users = id_map(user_ids);
  d.items = id_map(item_ids);
  d.train = ratings(users, items, train);
  d.test.target = ratings(users, items, test);
  d.validation.target = ratings(users, items, validation);
  return d;
}

// A preset shrunk to the fixture: small layers and batches, the global kernel
// joining after one epoch.
train_config small(train_config c) {
  for (int& h : c.model.hidden) h = std::min(h, 12);
  c.batch_size = std::min(c.batch_size, 8);
  c.global_kernel.pretrain_epochs = 1;
  return c;
}

struct named_config {
  std::string name;
  train_config config;
};

// Every rating preset (the image presets take the image trainer), and variants reaching the paths that none
// of them takes.
std::vector<named_config> configurations() {
  std::vector<named_config> all;
  for (const preset_info& p : presets())
    if (p.ratings()) all.push_back({p.name, small(p.make())});
  train_config c = small(preset("glocal-k"));
  c.lbfgs_restart = false;  // the L-BFGS history in checkpoints
  all.push_back({"glocal-k, history carried on", c});
  c = small(preset("seed-fixed"));
  c.model.hidden = {};  // no hidden layer: dense outputs for the loss
  c.optimizer = default_optimizer_config(optimizer_kind::sgd);
  c.lbfgs = training_lbfgs();
  c.lbfgs->strong_wolfe = false;
  all.push_back({"user-based L-BFGS, fixed steps, no hidden layer", c});
  c = small(preset("seed-fixed"));
  c.model.hidden = {8, 4, 8};
  c.model.local_kernel_dim = 3;
  c.dropout = 0.3f;  // the kernel layer above the code takes it sparse
  c.input_noise = 0.1f;
  c.penalties.activity = {activity_kind::kl, 0.01f, 0.05f, -1};
  c.optimizer = default_optimizer_config(optimizer_kind::adagrad);
  all.push_back({"kernel layers, dropout, input noise, KL sparsity", c});
  c = small(preset("seed-fixed"));
  c.model.hidden = {8};
  c.dropout = 0.3f;  // the output layer above the code takes it dense
  c.optimizer = default_optimizer_config(optimizer_kind::adamw);
  all.push_back({"dropout below the output layer", c});
  c.optimizer = default_optimizer_config(optimizer_kind::adadelta);
  c.goal = objective::multinomial;
  all.push_back({"multinomial with dropout", c});
  return all;
}

// Everything a run produced, to compare between backends.
struct run_record {
  std::vector<double> figures;
  std::vector<float> values;
  std::vector<std::string> bytes;
};

std::vector<float> parameter_values(autoencoder& net) {
  std::vector<float> all;
  for (const parameter& p : net.parameters()) {
    std::vector<float> host(p.size);
    net.device().to_host(host.data(), p.value, p.size * sizeof(float));
    all.insert(all.end(), host.begin(), host.end());
  }
  return all;
}

void add(run_record& r, const epoch_report& e) {
  r.figures.insert(r.figures.end(),
                   {static_cast<double>(e.epoch), e.train_rmse, e.train_seed_loss, e.train_nll});
}
void add(run_record& r, const rating_metrics& m) {
  r.figures.insert(r.figures.end(), {m.rmse, m.mae, m.seed_loss, m.seed_loss_unclipped,
                                     static_cast<double>(m.ratings), static_cast<double>(m.users)});
}
void add(run_record& r, const ranking_metrics& m) {
  for (const ranking_at_k& a : m.at)
    r.figures.insert(r.figures.end(), {a.precision, a.recall, a.ndcg, a.coverage});
  r.figures.push_back(static_cast<double>(m.users));
}
void add(run_record& r, const std::vector<float>& values) {
  r.values.insert(r.values.end(), values.begin(), values.end());
}

// What the CLI's train, resume, eval, predict and recommend do with a preset, on backend b.
class cli_paths {
 public:
  cli_paths(const train_config& c, backend& b) : c_(c), b_(b), ranking_(c.goal == objective::multinomial) {
    if (c.item_based) d_ = transposed(d_);
    if (ranking_) d_ = implicit_feedback(d_, ranking_options{}.relevance_threshold);
  }

  run_record run() {
    model m = fresh_model();
    trainer t(m.network(), c_);
    early_stopping stopping(0);
    for (int e = 0; e < 2; ++e) epoch(t, m.network(), stopping);
    r_.bytes.push_back(t.save_state());
    save_checkpoint(dir_.path() / "run.ckpt", m, {r_.bytes.back(), stopping.save_state(), "{}"});

    model resumed = resume(stopping);
    autoencoder& net = resumed.network();
    stopping.restore_best(net);
    CHECK(static_cast<bool>(net.global()) == (c_.global_kernel.size > 0));
    add(r_, parameter_values(net));
    score(net);
    save_model(dir_.path() / "model.aerec", resumed);
    model loaded = load_model(b_, dir_.path() / "model.aerec");
    r_.bytes.push_back(serialize_model(loaded));
    add(r_, parameter_values(loaded.network()));
    if (!loaded.network().global()) predict(loaded);
    return std::move(r_);
  }

 private:
  model fresh_model() {
    const model_config& mc = c_.model;
    auto net =
        std::make_unique<autoencoder>(b_, stacked_layers(d_.items.size(), mc.hidden, mc.hidden_act,
                                                         mc.output_act, mc.variational, mc.local_kernel_dim));
    rng init(c_.seed);
    net->initialize(mc.init, init);
    return model(std::move(net), d_.items, d_.scale, {}, "{\"k\":1}");
  }

  double validation(autoencoder& net) {
    if (!ranking_) return evaluate(net, d_.train, d_.validation.target, d_.scale).rmse;
    ranking_options top;
    top.ks = {5};
    return -evaluate_ranking(net, d_.train, d_.validation.target, top).at[0].ndcg;
  }

  // The epoch's report and validation figure, recorded for early stopping
  // once the network has all its parameters (as the CLI does).
  void finish_epoch(const epoch_report& e, autoencoder& net, early_stopping& stopping) {
    add(r_, e);
    const double v = validation(net);
    r_.figures.push_back(v);
    if (c_.global_kernel.size == 0 || e.epoch > c_.global_kernel.pretrain_epochs)
      stopping.record(e.epoch, v, net);
  }
  void epoch(trainer& t, autoencoder& net, early_stopping& stopping) {
    finish_epoch(t.run_epoch(d_.train), net, stopping);
  }

  // Resumes the checkpoint as `aerec train --resume` does, runs a third epoch
  // interrupted after its first batch (Ctrl-C), and finishes it from that state.
  model resume(early_stopping& stopping) {
    checkpoint_state state;
    model m = load_checkpoint(b_, dir_.path() / "run.ckpt", state);
    r_.bytes.push_back(serialize_model(m));
    trainer first(m.network(), c_);
    first.load_state(state.trainer, "checkpoint");
    stopping.load_state(state.stopping, "checkpoint");
    int asked = 0;
    const auto done = first.run_epoch(d_.train, [&] { return ++asked > 1; });
    CHECK(done.has_value() == c_.lbfgs.has_value());  // L-BFGS asks once, before its one step
    if (done) {
      finish_epoch(*done, m.network(), stopping);
      return m;
    }
    const std::string midway = first.save_state();  // not recorded: it holds the time taken
    trainer second(m.network(), c_);
    second.load_state(midway, "interrupted");
    epoch(second, m.network(), stopping);
    return m;
  }

  // aerec train's and aerec eval's test figures.
  void score(autoencoder& net) {
    if (!ranking_) add(r_, evaluate(net, d_.train, d_.test.target, d_.scale));
    if (!c_.item_based) add(r_, evaluate_ranking(net, d_.train, d_.test.target, ranking_options{}));
    std::vector<std::int32_t> rows(static_cast<std::size_t>(d_.train.rows()));
    for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = static_cast<std::int32_t>(i);
    add(r_, net.predict(gather_rows(d_.train, rows)));  // the item-based figures' path
  }

  // aerec predict's and recommend's paths, and the wasm module's.
  void predict(model& m) {
    std::vector<std::vector<item_rating>> users(3);
    std::vector<float> dense(users.size() * static_cast<std::size_t>(d_.items.size()));
    for (std::size_t u = 0; u < users.size(); ++u) {
      const auto row = static_cast<std::int32_t>(u);
      const auto cols = d_.train.row_cols(row);
      for (std::size_t k = 0; k < cols.size(); ++k) {
        const float value = ranking_ ? d_.scale.max : d_.train.row_values(row)[k];
        users[u].push_back({d_.items.id(cols[k]), value});
        dense[u * static_cast<std::size_t>(d_.items.size()) + static_cast<std::size_t>(cols[k])] = value;
      }
    }
    const std::vector<std::span<const item_rating>> spans(users.begin(), users.end());
    add(r_, m.predict(users[0]));
    add(r_, m.predict({}));  // aerec predict --ratings ""
    add(r_, m.predict_rows(spans));
    add(r_, m.predict_dense(dense));
    add(r_, m.encode(users[1]));
    for (const recommendation& top : m.recommend(users[2], 5)) {
      r_.figures.push_back(top.item_id);
      r_.values.push_back(top.score);
    }
  }

  train_config c_;
  backend& b_;
  bool ranking_;
  dataset d_ = fixture();
  temp_dir dir_;
  run_record r_;
};

}  // namespace

TEST_CASE("the guarded backend keeps host code out of its memory", "[guarded]") {
  auto guarded = make_guarded_backend();
  auto cpu = make_cpu_backend(1);
  const std::vector<float> values = {1, 2, 3, 4, 5};
  for (backend* b : {guarded.get(), cpu.get()}) {
    device_array<float> a(*b, values.size());
    a.upload(values);
    REQUIRE(a.download() == values);
    b->fill(a.data(), 3, 7);
    REQUIRE(a.download() == std::vector<float>{7, 7, 7, 4, 5});
    // Touching the memory directly crashes on the guarded backend only.
    const bool guarding = b == guarded.get();
    CHECK(dies_of_sigsegv([&] { static_cast<void>(*static_cast<volatile float*>(a.data() + 2)); }) ==
          guarding);
    CHECK(dies_of_sigsegv([&] { *static_cast<volatile float*>(a.data()) = 1; }) == guarding);
  }
}

TEST_CASE("the guarded backend refuses host memory where backend memory belongs", "[guarded]") {
  auto b = make_guarded_backend();
  device_array<float> a(*b, 4);
  std::vector<float> host(4, 1);
  REQUIRE_THROWS_AS(b->fill(host.data(), host.size(), 0), std::logic_error);
  REQUIRE_THROWS_AS(b->gemm(false, false, 1, {host.data(), 2, 2}, {a.data(), 2, 2}, 0, {a.data(), 2, 2}),
                    std::logic_error);
  REQUIRE_THROWS_AS(b->to_device(a.data(), a.data() + 2, 2 * sizeof(float)), std::logic_error);
  REQUIRE_THROWS_AS(b->to_host(host.data(), host.data() + 2, 2 * sizeof(float)), std::logic_error);
  // A refused call leaves the memory guarded.
  CHECK(dies_of_sigsegv([&] { static_cast<void>(*static_cast<volatile float*>(a.data())); }));
}

TEST_CASE("every preset trains, resumes, saves, loads and predicts on guarded memory as on the CPU",
          "[guarded]") {
  for (const auto& [name, c] : configurations()) DYNAMIC_SECTION(name) {
      auto guarded = make_guarded_backend();
      auto cpu = make_cpu_backend(1);
      const run_record on_guard = cli_paths(c, *guarded).run();
      const run_record on_cpu = cli_paths(c, *cpu).run();
      REQUIRE_FALSE(on_cpu.values.empty());
      CHECK(on_guard.figures == on_cpu.figures);
      CHECK(on_guard.values == on_cpu.values);
      CHECK(on_guard.bytes == on_cpu.bytes);
    }
}
