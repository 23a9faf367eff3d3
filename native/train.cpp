// aerec train: train an autoencoder on a split, report test figures; with a
// validation slice, stop early and keep the best epoch; checkpoint, resume,
// and save a checkpoint on Ctrl-C.
#include <csignal>
#include <cstdio>
#include <functional>
#include <memory>

#include "aerec/checkpoint.h"
#include "aerec/cpu_backend.h"
#include "aerec/early_stopping.h"
#include "aerec/file_io.h"
#include "aerec/implicit_feedback.h"
#include "aerec/ranking_metrics.h"
#include "commands.h"
#include "config_json.h"
#include "data_source.h"
#include "figures.h"
#include "config_file.h"
#include "output.h"
#include "progress.h"

namespace aerec::cli {

namespace {

struct train_args {
  data_args data;
  std::string split = "u1", preset = "seed", out, metrics_out, resume, checkpoint;
  double val = 0;
  int patience = 0;
  int checkpoint_every = 0;
  // Each configuration flag the user gave, applied in declaration order on top of the preset.
  std::vector<std::function<void(train_config&)>> overrides;
  std::vector<CLI::Option*> config_flags;  // to refuse them with --resume
};

// Records that `set(config, *value)` applies when `option` was given.
template <class T, class Set>
CLI::Option* override_when_given(train_args& args, CLI::Option* option, std::shared_ptr<T> value,
                                 Set set) {
  args.overrides.push_back([option, value, set](train_config& c) {
    if (option->count() > 0) set(c, *value);
  });
  args.config_flags.push_back(option);
  return option;
}

// Declares a flag with a value that, when given, applies `set` to the configuration.
template <class T, class Set>
CLI::Option* config_option(CLI::App& cmd, train_args& args, const std::string& name,
                           const std::string& help, Set set) {
  auto value = std::make_shared<T>();
  return override_when_given(args, cmd.add_option(name, *value, help), value, set);
}

// The same for an on/off flag (with a --no- form where `names` gives one).
template <class Set>
void config_flag(CLI::App& cmd, train_args& args, const std::string& names, const std::string& help,
                 Set set) {
  auto value = std::make_shared<bool>();
  override_when_given(args, cmd.add_flag(names, *value, help), value, set);
}

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

// Everything a run needs, whether it starts afresh or resumes a checkpoint.
struct session {
  json run;  // the run's description and history: the checkpoint's RUNJ section
  train_config config;
  dataset data;
  std::unique_ptr<backend> device;
  std::unique_ptr<model> trained;
  std::unique_ptr<trainer> train;
  std::unique_ptr<early_stopping> stopping;
  std::string checkpoint_path;
};

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

data_args data_of(const json& run) {
  return {run["data"], run["format"], run["delimiter"], run["columns"]};
}

// Whether the run trains for ranking (the multinomial objective): its outputs
// are scores, not ratings, and it is judged by top-N figures.
bool ranks(const session& s) { return s.config.goal == objective::multinomial; }

const char* validation_key(const session& s) {
  return ranks(s) ? "validation_ndcg_at_100" : "validation_rmse";
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
  report_left_out(s.data.test, "test");
  report_left_out(s.data.validation, "validation");
  if (s.config.item_based) s.data = transposed(s.data);
  // Liang et al.'s protocol: a rating of 4 or more is an interaction, and a lower one none.
  if (ranks(s)) s.data = implicit_feedback(s.data, ranking_options{}.relevance_threshold);
}

void make_trainer(session& s) {
  s.train = std::make_unique<trainer>(s.trained->network(), s.config);
  s.stopping = std::make_unique<early_stopping>(s.run["patience"].get<int>());
}

session start(const train_args& a) {
  session s;
  s.config = preset(a.preset);
  for (const auto& apply : a.overrides) apply(s.config);
  validate(s.config);
  if (a.checkpoint_every < 0) throw error(error_code::invalid_argument, "--checkpoint-every must be 0 or more");
  s.run = describe_run(a, s.config);
  s.checkpoint_path = a.checkpoint.empty() ? default_checkpoint(a) : a.checkpoint;
  for (const std::string& path : {a.out, a.metrics_out, s.checkpoint_path})
    if (!path.empty()) check_writable(path);
  load_session_data(s);

  s.device = make_cpu_backend(s.config.threads);
  const model_config& mc = s.config.model;
  auto net = std::make_unique<autoencoder>(
      *s.device, stacked_layers(s.data.items.size(), mc.hidden, mc.hidden_act, mc.output_act,
                                                mc.variational));
  rng init_random(s.config.seed);
  net->initialize(mc.init, init_random);
  // The configuration travels with checkpoints too, so that commands that load
  // one know an item-based model (whose columns are users) when they see it.
  s.trained = std::make_unique<model>(std::move(net), s.data.items, s.data.scale,
                                      json{{"config", s.run["config"]}}.dump());
  make_trainer(s);
  return s;
}

session resume(const train_args& a) {
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

  s.device = make_cpu_backend(s.config.threads);
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
  const dataset& d = s.data;
  const bool validating = d.validation.target.nnz() > 0;
  const int every = s.run["checkpoint-every"].get<int>();
  progress bar(s.config.epochs);
  catch_interrupts();
  while (s.train->epochs_done() < s.config.epochs) {
    const auto report = s.train->run_epoch(d.train, [] { return interrupted != 0; });
    if (!report) {
      bar.finish();
      save_session(s);
      return false;
    }
    json entry = to_json(*report);
    std::optional<double> val;
    bool stop = false;
    if (validating) {
      autoencoder& net = s.trained->network();
      val = validation_figure(s);
      entry[validation_key(s)] = *val;
      stop = s.stopping->record(report->epoch, ranks(s) ? -*val : *val, net);
    }
    s.run["history"].push_back(entry);
    bar.update(*report, val);
    if (every > 0 && report->epoch % every == 0) save_session(s);
    if (stop) {
      bar.finish();
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
    const double best = ranks(s) ? -s.stopping->best_rmse() : s.stopping->best_rmse();
    metrics[validation_key(s)] = best;
    std::printf("best epoch %d: %s %.4f (its parameters are kept)\n", s.stopping->best_epoch(),
                validation_key(s), best);
  }
  if (d.test.target.nnz() > 0) {
    // By real users and movies: transposing swapped the two counts.
    metrics["test_left_out_unknown_user"] = item_based ? d.test.unknown_item : d.test.unknown_user;
    metrics["test_left_out_unknown_item"] = item_based ? d.test.unknown_user : d.test.unknown_item;
    if (ranks(s))
      report_ranking_figures(metrics, net, d.train, d.input_for(d.test), d.test.target, true);
    else
      report_test_figures(metrics, net, d.train, d.input_for(d.test), d.test.target, d.scale,
                          item_based, true);
  }
  double seconds = 0;
  for (const json& e : s.run["history"]) seconds += e["seconds"].get<double>();
  std::printf("trained %d epochs in %.1fs\n", s.train->epochs_done(), seconds);
  metrics["train_seconds"] = seconds;
  metrics["epochs"] = s.train->epochs_done();
  metrics["parameters"] = net.parameter_count();
  metrics["config"] = s.run["config"];
  metrics["history"] = s.run["history"];
  return metrics;
}

void run(const train_args& a) {
  session s = a.resume.empty() ? start(a) : resume(a);
  if (!run_epochs(s)) {
    std::fprintf(stderr,
                 "aerec: interrupted: checkpoint saved to %s after %d epochs; continue with\n"
                 "  aerec train --resume %s\n",
                 s.checkpoint_path.c_str(), s.train->epochs_done(), s.checkpoint_path.c_str());
    throw exit_request{130};
  }
  json metrics = final_metrics(s);
  if (const std::string out = s.run["out"]; !out.empty()) {
    json meta = metrics;
    meta.erase("history");
    s.trained->set_metadata(meta.dump());
    save_model(out, *s.trained);
  }
  if (const std::string path = s.run["metrics-out"]; !path.empty()) write_json(path, metrics);
}

}  // namespace

void add_train_command(CLI::App& app) {
  auto args = std::make_shared<train_args>();
  train_args& a = *args;
  CLI::App* cmd = app.add_subcommand("train", "Train an autoencoder and report its test figures");
  add_config_option(*cmd);
  std::string presets_help = "Starting configuration; flags override it. One of:";
  for (const preset_info& p : presets()) presets_help += "\n  " + p.name + ": " + p.description;
  add_data_options(*cmd, a.data);
  cmd->add_option("--split", a.split, split_help)->capture_default_str();
  cmd->add_option("--val", a.val,
                  "Carve this fraction of the training part out as a validation slice (held-out "
                  "users for users:F); reported every epoch, and the best epoch is kept");
  cmd->add_option("--patience", a.patience,
                  "Stop after this many epochs without a better validation rmse (needs --val)");
  cmd->add_option("--preset", a.preset, presets_help)->capture_default_str();
  cmd->add_option("--out", a.out, "Write the trained model here");
  cmd->add_option("--metrics-out", a.metrics_out, "Write figures and per-epoch history (JSON)");
  cmd->add_option("--checkpoint", a.checkpoint,
                  "Checkpoint file (default: OUT.ckpt, or aerec-train.ckpt without --out); "
                  "written on Ctrl-C and every --checkpoint-every epochs");
  cmd->add_option("--checkpoint-every", a.checkpoint_every, "Save a checkpoint every N epochs");
  cmd->add_option("--resume", a.resume,
                  "Continue the run saved in this checkpoint (same data, split and configuration)");

  using cfg = train_config;
  // First, so that the optimizer flags below apply to the chosen optimizer.
  config_option<std::string>(*cmd, a, "--optimizer",
                             "sgd, rmsprop, adam, adamw, adagrad, adadelta; starts from PyTorch's "
                             "defaults for it, then the optimizer flags apply",
                             [](cfg& c, const std::string& v) {
                               c.optimizer = default_optimizer_config(parse_optimizer(v));
                             });
  config_option<int>(*cmd, a, "--epochs", "Passes over the training users",
                     [](cfg& c, int v) { c.epochs = v; });
  config_option<int>(*cmd, a, "--batch", "Users per optimizer step (1 = the seed's)",
                     [](cfg& c, int v) { c.batch_size = v; });
  config_option<int>(*cmd, a, "--threads", "CPU threads", [](cfg& c, int v) { c.threads = v; });
  config_option<float>(*cmd, a, "--dropout",
                       "Dropout on the code layer while training: the fraction of its units zeroed each step",
                       [](cfg& c, float v) { c.dropout = v; });
  config_option<float>(*cmd, a, "--input-dropout",
                       "Denoising: the fraction of each user's ratings hidden from the input each step "
                       "(the loss still scores them all)",
                       [](cfg& c, float v) { c.input_dropout = v; });
  config_option<float>(*cmd, a, "--input-noise",
                       "Denoising: the standard deviation of Gaussian noise added to each input rating",
                       [](cfg& c, float v) { c.input_noise = v; });
  config_option<std::string>(*cmd, a, "--activity-penalty",
                             "Sparse autoencoder: penalise a hidden layer's activations, l1 or kl "
                             "(KL divergence of each unit's mean activation from --activity-target; sigmoid)",
                             [](cfg& c, const std::string& v) { c.penalties.activity.kind = parse_activity_kind(v); });
  config_option<float>(*cmd, a, "--activity-weight", "The activity penalty's weight",
                       [](cfg& c, float v) { c.penalties.activity.weight = v; });
  config_option<float>(*cmd, a, "--activity-target", "The KL activity penalty's target mean activation",
                       [](cfg& c, float v) { c.penalties.activity.target = v; });
  config_option<int>(*cmd, a, "--activity-layer",
                     "The hidden layer the activity penalty applies to (0 = first; -1 = the code layer)",
                     [](cfg& c, int v) { c.penalties.activity.layer = v; });
  config_option<float>(*cmd, a, "--contractive",
                       "Contractive autoencoder: the weight of the first layer's Jacobian penalty "
                       "||dh/dx||^2 (sigmoid or tanh)",
                       [](cfg& c, float v) { c.penalties.contractive = v; });
  config_flag(*cmd, a, "--refeed,!--no-refeed",
              "Dense re-feeding (DeepRecommender): a second step on the network's own output each batch",
              [](cfg& c, bool v) { c.refeed = v; });
  config_flag(*cmd, a, "--item-based,!--no-item-based",
              "Item-based (I-AutoRec): rows are movies, reconstructed from the users who rated them",
              [](cfg& c, bool v) { c.item_based = v; });
  config_option<std::string>(*cmd, a, "--objective",
                             "squared-error (predict ratings) or multinomial (Mult-VAE/DAE: rank the "
                             "movies each user rated 4 or more, from those alone; top-N figures)",
                             [](cfg& c, const std::string& v) { c.goal = parse_objective(v); });
  config_flag(*cmd, a, "--variational,!--no-variational",
              "Variational code (Mult-VAE): the code layer emits a Gaussian's mean and log-variance",
              [](cfg& c, bool v) { c.model.variational = v; });
  config_option<float>(*cmd, a, "--kl-cap", "The variational code's KL weight, after annealing",
                       [](cfg& c, float v) { c.kl_cap = v; });
  config_option<int>(*cmd, a, "--kl-anneal-steps",
                     "Raise the KL weight linearly from 0 to --kl-cap over this many steps (0: at once)",
                     [](cfg& c, int v) { c.kl_anneal_steps = v; });
  config_option<std::uint64_t>(*cmd, a, "--seed", "Random seed (initialisation, shuffling, splits)",
                               [](cfg& c, std::uint64_t v) { c.seed = v; });
  config_option<std::vector<int>>(*cmd, a, "--layers", "Hidden widths, e.g. 20,10,20",
                                  [](cfg& c, const std::vector<int>& v) { c.model.hidden = v; })
      ->delimiter(',');
  config_option<std::string>(*cmd, a, "--activation",
                             "Hidden activation: identity, sigmoid, tanh, relu, leaky_relu, selu, elu",
                             [](cfg& c, const std::string& v) { c.model.hidden_act = parse_activation(v); });
  config_option<std::string>(*cmd, a, "--output-activation", "Output activation",
                             [](cfg& c, const std::string& v) { c.model.output_act = parse_activation(v); });
  config_option<std::string>(*cmd, a, "--init", "Weight initialisation: pytorch or xavier",
                             [](cfg& c, const std::string& v) { c.model.init = parse_init_scheme(v); });
  config_option<std::string>(*cmd, a, "--loss-normalization",
                             "Divide the masked squared error by all output entries (all: PyTorch's "
                             "MSELoss, as in the seed) or by the rated ones (rated)",
                             [](cfg& c, const std::string& v) { c.loss = parse_loss_normalization(v); });
  config_flag(*cmd, a, "--accumulate-gradients,!--no-accumulate-gradients",
              "Never zero gradients: each step applies the sum of all gradients so far (the seed's "
              "behaviour)",
              [](cfg& c, bool v) { c.accumulate_gradients = v; });
  config_flag(*cmd, a, "--shuffle,!--no-shuffle", "Visit users in a new random order each epoch",
              [](cfg& c, bool v) { c.shuffle = v; });
  config_option<double>(*cmd, a, "--lr", "Learning rate", [](cfg& c, double v) { c.optimizer.lr = v; });
  config_option<double>(*cmd, a, "--weight-decay", "L2 penalty (AdamW: decoupled decay)",
                        [](cfg& c, double v) { c.optimizer.weight_decay = v; });
  config_option<double>(*cmd, a, "--momentum", "Momentum (sgd, rmsprop)",
                        [](cfg& c, double v) { c.optimizer.momentum = v; });
  config_option<double>(*cmd, a, "--dampening", "Momentum dampening (sgd)",
                        [](cfg& c, double v) { c.optimizer.dampening = v; });
  config_flag(*cmd, a, "--nesterov,!--no-nesterov", "Nesterov momentum (sgd)",
              [](cfg& c, bool v) { c.optimizer.nesterov = v; });
  config_flag(*cmd, a, "--centered,!--no-centered", "Centered RMSprop",
              [](cfg& c, bool v) { c.optimizer.centered = v; });
  config_flag(*cmd, a, "--amsgrad,!--no-amsgrad", "AMSGrad (adam, adamw)",
              [](cfg& c, bool v) { c.optimizer.amsgrad = v; });
  config_option<double>(*cmd, a, "--eps", "Epsilon of rmsprop, adam, adamw, adagrad, adadelta",
                        [](cfg& c, double v) { c.optimizer.eps = v; });
  config_option<double>(*cmd, a, "--beta1", "Adam's first-moment decay",
                        [](cfg& c, double v) { c.optimizer.beta1 = v; });
  config_option<double>(*cmd, a, "--beta2", "Adam's second-moment decay",
                        [](cfg& c, double v) { c.optimizer.beta2 = v; });
  config_option<double>(*cmd, a, "--alpha", "RMSprop's smoothing constant",
                        [](cfg& c, double v) { c.optimizer.alpha = v; });
  config_option<double>(*cmd, a, "--lr-decay", "Adagrad's learning-rate decay",
                        [](cfg& c, double v) { c.optimizer.lr_decay = v; });
  config_option<double>(*cmd, a, "--initial-accumulator", "Adagrad's starting sum",
                        [](cfg& c, double v) { c.optimizer.initial_accumulator = v; });
  config_option<double>(*cmd, a, "--rho", "Adadelta's decay",
                        [](cfg& c, double v) { c.optimizer.rho = v; });
  cmd->callback([args] { run(*args); });
}

}  // namespace aerec::cli
