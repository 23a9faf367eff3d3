// aerec train: train an autoencoder on a MovieLens split, report test figures.
#include <cstdio>
#include <functional>
#include <memory>

#include "aerec/cpu_backend.h"
#include "aerec/file_io.h"
#include "aerec/model_file.h"
#include "commands.h"
#include "data_source.h"
#include "output.h"
#include "progress.h"

namespace aerec::cli {

namespace {

struct train_args {
  std::string data, split = "u1", preset = "seed", out, metrics_out;
  // Each configuration flag the user gave, applied in declaration order on top of the preset.
  std::vector<std::function<void(train_config&)>> overrides;
};

// Records that `set(config, *value)` applies when `option` was given.
template <class T, class Set>
CLI::Option* override_when_given(train_args& args, CLI::Option* option, std::shared_ptr<T> value,
                                 Set set) {
  args.overrides.push_back([option, value, set](train_config& c) {
    if (option->count() > 0) set(c, *value);
  });
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

train_config resolve_config(const train_args& a) {
  train_config c = preset(a.preset);
  for (const auto& apply : a.overrides) apply(c);
  validate(c);
  return c;
}

void run(const train_args& a) {
  const train_config config = resolve_config(a);
  for (const std::string& path : {a.out, a.metrics_out})
    if (!path.empty()) check_writable(path);
  const dataset data = load_data(a.data, a.split);

  const std::unique_ptr<backend> device = make_cpu_backend(config.threads);
  auto net = std::make_unique<autoencoder>(
      *device, stacked_layers(data.items.size(), config.model.hidden, config.model.hidden_act,
                              config.model.output_act));
  rng init_random(config.seed);
  net->initialize(config.model.init, init_random);

  trainer t(*net, config);
  progress bar(config.epochs);
  json history = json::array();
  double seconds = 0;
  for (int e = 0; e < config.epochs; ++e) {
    const epoch_report r = t.run_epoch(data.train);
    bar.update(r);
    history.push_back(to_json(r));
    seconds += r.seconds;
  }
  bar.finish();

  json metrics = {{"preset", a.preset}, {"data", data.name}, {"split", data.split}};
  if (data.test.nnz() > 0) {
    const rating_metrics test = evaluate(*net, data.train, data.test, data.scale);
    const rating_metrics baseline = evaluate_global_mean(data.train, data.test, data.scale);
    add_metrics(metrics, "test_", test);
    metrics["baseline_global_mean_rmse"] = baseline.rmse;
    print_test_figures(test, baseline);
  }
  std::printf("trained %d epochs in %.1fs\n", config.epochs, seconds);
  metrics["train_seconds"] = seconds;
  metrics["epochs"] = config.epochs;
  metrics["parameters"] = net->parameter_count();
  metrics["config"] = to_json(config);
  metrics["history"] = history;

  if (!a.out.empty()) {
    json meta = metrics;
    meta.erase("history");
    model m(std::move(net), data.items, data.scale, meta.dump());
    save_model(a.out, m);
  }
  if (!a.metrics_out.empty()) write_json(a.metrics_out, metrics);
}

}  // namespace

void add_train_command(CLI::App& app) {
  auto args = std::make_shared<train_args>();
  train_args& a = *args;
  CLI::App* cmd = app.add_subcommand("train", "Train an autoencoder and report its test figures");
  std::string presets_help = "Starting configuration; flags override it. One of:";
  for (const preset_info& p : presets()) presets_help += "\n  " + p.name + ": " + p.description;
  add_data_option(*cmd, a.data);
  cmd->add_option("--split", a.split, "u1..u5, ua, ub, or all (no test part)")->capture_default_str();
  cmd->add_option("--preset", a.preset, presets_help)->capture_default_str();
  cmd->add_option("--out", a.out, "Write the trained model here");
  cmd->add_option("--metrics-out", a.metrics_out, "Write figures and per-epoch history (JSON)");

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
  config_option<std::uint64_t>(*cmd, a, "--seed", "Random seed (initialisation, shuffling)",
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
  config_flag(*cmd, a, "--nesterov", "Nesterov momentum (sgd)",
              [](cfg& c, bool v) { c.optimizer.nesterov = v; });
  config_option<double>(*cmd, a, "--eps", "Epsilon of rmsprop, adam, adamw, adagrad, adadelta",
                        [](cfg& c, double v) { c.optimizer.eps = v; });
  config_option<double>(*cmd, a, "--beta1", "Adam's first-moment decay",
                        [](cfg& c, double v) { c.optimizer.beta1 = v; });
  config_option<double>(*cmd, a, "--beta2", "Adam's second-moment decay",
                        [](cfg& c, double v) { c.optimizer.beta2 = v; });
  config_option<double>(*cmd, a, "--alpha", "RMSprop's smoothing constant",
                        [](cfg& c, double v) { c.optimizer.alpha = v; });
  config_option<double>(*cmd, a, "--rho", "Adadelta's decay",
                        [](cfg& c, double v) { c.optimizer.rho = v; });
  cmd->callback([args] { run(*args); });
}

}  // namespace aerec::cli
