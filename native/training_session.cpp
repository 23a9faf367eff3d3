#include "training_session.h"

#include <csignal>
#include <cstdio>

#include "aerec/io/checkpoint.h"
#include "aerec/backend/cpu_backend.h"
#include "aerec/backend/device.h"
#include "aerec/io/file_io.h"
#include "aerec/train/options.h"
#include "aerec/data/implicit_feedback.h"
#include "aerec/eval/ranking_metrics.h"
#include "commands.h"
#include "figures.h"
#include "progress.h"

namespace aerec::cli {

bool ranks(const session& s) { return s.config.goal == objective::multinomial; }

const char* validation_key(const session& s) {
  return ranks(s) ? "validation_ndcg_at_100" : "validation_rmse";
}

double best_validation(const session& s) {
  return s.stopping->best_figure();
}

namespace {

// Set by SIGINT; the trainer looks at it between batches.
volatile std::sig_atomic_t interrupted = 0;

void on_interrupt(int) { interrupted = 1; }

// Ctrl-C asks training to stop at the next batch; a second Ctrl-C kills as usual.
void catch_interrupts() {
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  action.sa_flags = SA_RESETHAND;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
}

json describe_run(const train_args& a, const train_config& config) {
  std::error_code ec;
  // A path is stored absolute so that a resume from elsewhere finds the data.
  const std::string data =
      a.data.data.empty() || !std::filesystem::exists(a.data.data, ec)
          ? a.data.data
          : std::filesystem::absolute(a.data.data).string();
  return {{"data", data},          {"format", a.data.format},
          {"delimiter", a.data.delimiter}, {"columns", a.data.columns},
          {"split", a.split},      {"val", a.val},
          {"preset", a.preset},    {"patience", a.patience},
          {"out", a.out},          {"metrics-out", a.metrics_out},
          {"checkpoint-every", a.checkpoint_every},
          {"config", to_json(config)}, {"history", json::array()}};
}

std::string default_checkpoint(const train_args& a) {
  return a.out.empty() ? std::string("aerec-train.ckpt") : a.out + ".ckpt";
}

data_source data_of(const json& run) {
  return {run["data"], run["format"], run["delimiter"], run["columns"]};
}

// The validation figure: rmse, or NDCG@100 when ranking (early stopping then keeps the highest).
double validation_figure(session& s) {
  const dataset& d = s.data;
  autoencoder& net = s.trained->network();
  if (!ranks(s)) return evaluate(net, d.input_for(d.validation), d.validation.target, d.scale).rmse;
  ranking_options top;
  top.ks = {100};
  return evaluate_ranking(net, d.input_for(d.validation), d.validation.target, top).at[0].ndcg;
}

void load_session_data(session& s) {
  const json& r = s.run;
  const split_spec split = parse_split(r["split"]);
  if (s.config.item_based && split.kind == split_kind::users)
    throw error(error_code::invalid_argument,
                "--item-based cannot use --split " + r["split"].get<std::string>() +
                    ": its held-out users are new users, and an item-based model has a column "
                    "only for each user it was trained on");
  s.data = load_data(data_of(r), {split, r["val"].get<double>(), s.config.seed});
  if (r["patience"].get<int>() > 0 && s.data.validation.target.nnz() == 0)
    throw error(error_code::invalid_argument, "--patience needs a validation slice: add --val 0.05");
  if (!s.quiet) {
    report_left_out(s.data.test, "test");
    report_left_out(s.data.validation, "validation");
  }
  if (s.config.item_based) s.data = transposed(s.data);
  // Liang et al.'s protocol: a rating of 4 or more is an interaction, and a lower one none.
  if (ranks(s)) s.data = implicit_feedback(s.data, ranking_options{}.relevance_threshold);
}

void make_trainer(session& s) {
  s.train = std::make_unique<trainer>(s.trained->network(), s.config);
  s.stopping = std::make_unique<early_stopping>(s.run["patience"].get<int>(), ranks(s) ? improves::up : improves::down);
}

// The backend --device names; unless it is the default, a note says which one it is.
std::unique_ptr<backend> make_device(device_choice choice, bool quiet, int threads) {
  std::unique_ptr<backend> device;
  try {
    device = make_backend(choice, threads);
  } catch (const error& e) {
    if (e.code() != error_code::device_error) throw;
    throw error(e.code(), std::string("--device ") + device_choice_name(choice) + ": " + e.what());
  }
  if (!quiet && choice != device_choice::cpu)
    std::fprintf(stderr, "aerec: computing on %s\n", device->name().c_str());
  return device;
}

}  // namespace

void add_device_option(CLI::App& cmd, std::string& device) {
  cmd.add_option("--device", device,
                 "Compute on cpu, cuda (a GPU; an error when there is none or this aerec has no "
                 "CUDA) or auto (a GPU when one is present)")
      ->capture_default_str();
}

session start(const train_args& a) {
  const device_choice device = parse_device_choice(a.device);  // before the data loads
  session s;
  s.config = preset(a.preset);
  for (const auto& apply : a.overrides) apply(s.config);
  validate(s.config);
  if (a.checkpoint_every < 0) throw error(error_code::invalid_argument, "--checkpoint-every must be 0 or more");
  s.run = describe_run(a, s.config);
  s.checkpoint_path = a.checkpoint.empty() ? default_checkpoint(a) : a.checkpoint;
  s.checkpoints = a.checkpoints;
  s.quiet = a.quiet;
  for (const std::string& path : {a.out, a.metrics_out, a.checkpoints ? s.checkpoint_path : std::string()})
    if (!path.empty()) check_writable(path);
  load_session_data(s);

  s.device = make_device(device, a.quiet, s.config.threads);
  const model_config& mc = s.config.model;
  auto net = std::make_unique<autoencoder>(
      *s.device, stacked_layers(s.data.items.size(), mc.hidden, mc.hidden_act, mc.output_act,
                                mc.variational, mc.local_kernel_dim));
  rng init_random(s.config.seed);
  net->initialize(mc.init, init_random);
  // The configuration travels with checkpoints too, for aerec info.
  s.trained = std::make_unique<model>(std::move(net), s.data.items, s.data.scale, meaning_of(s.config),
                                      json{{"config", s.run["config"]}}.dump());
  make_trainer(s);
  return s;
}

session resume(const train_args& a) {
  const device_choice device = parse_device_choice(a.device);
  for (const CLI::Option* flag : a.config_flags)
    if (flag->count() > 0)
      throw error(error_code::invalid_argument,
                  "--resume continues the saved run as it was configured; " + flag->get_name() +
                      " cannot change it");
  session s;
  checkpoint_state state;
  // The configuration decides the thread count, so a first backend only reads the file.
  const auto reader = make_cpu_backend(1);
  model saved = load_checkpoint(*reader, a.resume, state);
  try {
    s.run = json::parse(state.run);
    s.config = train_config_from_json(s.run.at("config"), a.resume);
  } catch (const json::exception& e) {
    throw error(error_code::model_format, a.resume + ": run description: " + e.what());
  }
  // Outputs may be redirected when resuming; the rest is as saved.
  if (!a.out.empty()) s.run["out"] = a.out;
  if (!a.metrics_out.empty()) s.run["metrics-out"] = a.metrics_out;
  s.checkpoint_path = a.checkpoint.empty() ? a.resume : a.checkpoint;
  for (const char* key : {"out", "metrics-out"})
    if (const std::string path = s.run[key]; !path.empty()) check_writable(path);
  load_session_data(s);

  s.device = make_device(device, a.quiet, s.config.threads);
  model restored = deserialize_model(*s.device, serialize_model(saved), a.resume);
  if (restored.items().ids().size() != s.data.items.ids().size() ||
      !std::equal(restored.items().ids().begin(), restored.items().ids().end(),
                  s.data.items.ids().begin()))
    throw error(error_code::invalid_argument,
                a.resume + ": the data no longer has the " +
                    (s.config.item_based ? "users" : "movies") + " the checkpoint was trained on");
  s.trained = std::make_unique<model>(std::move(restored));
  make_trainer(s);
  s.train->load_state(state.trainer, a.resume);
  s.stopping->load_state(state.stopping, a.resume);
  return s;
}

void save_session(session& s) {
  save_checkpoint(s.checkpoint_path, *s.trained,
                  {s.train->save_state(), s.stopping->save_state(), s.run.dump()});
}

// Runs the remaining epochs. Returns false when interrupted (a checkpoint is then saved).
bool run_epochs(session& s) {
  const bool quiet = s.quiet;
  const dataset& d = s.data;
  const bool validating = d.validation.target.nnz() > 0;
  const int every = s.checkpoints ? s.run["checkpoint-every"].get<int>() : 0;
  progress bar(s.config.epochs, quiet);
  catch_interrupts();
  // A run saved at the epoch that stopped it early is finished too.
  while (s.train->epochs_done() < s.config.epochs && !s.stopping->stopped()) {
    const auto report = s.train->run_epoch(d.train, [] { return interrupted != 0; });
    if (!report) {
      bar.finish();
      if (s.checkpoints) save_session(s);
      return false;
    }
    json entry = to_json(*report);
    std::optional<double> val;
    bool stop = false;
    if (validating) {
      autoencoder& net = s.trained->network();
      val = validation_figure(s);
      entry[validation_key(s)] = *val;
      // A global kernel joins after pretraining: the epochs before it are no
      // candidates (their network has fewer parameters), as in GLocal-K.
      const train_config::global_kernel_config& g = s.config.global_kernel;
      if (g.size == 0 || report->epoch > g.pretrain_epochs)
        stop = s.stopping->record(report->epoch, *val, net);
    }
    s.run["history"].push_back(entry);
    bar.update(*report, val);
    if (every > 0 && report->epoch % every == 0) save_session(s);
    if (stop) {
      bar.finish();
      if (!quiet)
        std::printf("early stop after epoch %d: no better %s for %d epochs\n", report->epoch,
                    validation_key(s), s.run["patience"].get<int>());
      return true;
    }
  }
  bar.finish();
  return true;
}

json final_metrics(session& s) {
  const dataset& d = s.data;
  const bool item_based = s.config.item_based;
  autoencoder& net = s.trained->network();
  json metrics = {{"preset", s.run["preset"]}, {"data", d.name},
                  {"data_path", s.run["data"]}, {"split", d.split}};
  if (d.validation.target.nnz() > 0) {
    s.stopping->restore_best(net);
    metrics["best_epoch"] = s.stopping->best_epoch();
    const double best = best_validation(s);
    metrics[validation_key(s)] = best;
    std::printf("best epoch %d: %s %.4f (its parameters are kept)\n", s.stopping->best_epoch(),
                validation_key(s), best);
  }
  if (d.test.target.nnz() > 0) {
    // By real users and movies: transposing swapped the two counts.
    metrics["test_left_out_unknown_user"] = item_based ? d.test.unknown_item : d.test.unknown_user;
    metrics["test_left_out_unknown_item"] = item_based ? d.test.unknown_user : d.test.unknown_item;
    const test_figures figures =
        measure_test_figures(net, s.trained->meaning(), d.train, d.input_for(d.test), d.test.target, d.scale);
    add_figures(metrics, figures);
    print_figures(figures, s.trained->meaning());
  }
  double seconds = 0;
  for (const json& e : s.run["history"]) seconds += e["seconds"].get<double>();
  std::printf("trained %d epochs in %.1fs\n", s.train->epochs_done(), seconds);
  metrics["train_seconds"] = seconds;
  metrics["epochs"] = s.train->epochs_done();
  metrics["parameters"] = net.parameter_count();
  metrics["device"] = s.device->name();
  metrics["config"] = s.run["config"];
  metrics["history"] = s.run["history"];
  return metrics;
}

}  // namespace aerec::cli
