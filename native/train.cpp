// aerec train: train an autoencoder on a MovieLens split, report test figures.
#include <cstdio>
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
  std::string optimizer, activation, output_activation, init, loss;
  std::vector<int> layers;
  int epochs = 0, batch = 0, threads = 0;
  double lr = 0, weight_decay = 0, momentum = 0, eps = 0, beta1 = 0, beta2 = 0, alpha = 0, rho = 0;
  std::uint64_t seed = 0;
  bool accumulate = false, shuffle = false, nesterov = false;
};

// The preset's configuration with every flag the user gave applied on top.
train_config resolve_config(const CLI::App& cmd, const train_args& a) {
  train_config c = preset(a.preset);
  const auto given = [&](const char* name) { return cmd.count(name) > 0; };
  if (given("--optimizer")) c.optimizer = default_optimizer_config(parse_optimizer(a.optimizer));
  if (given("--epochs")) c.epochs = a.epochs;
  if (given("--batch")) c.batch_size = a.batch;
  if (given("--threads")) c.threads = a.threads;
  if (given("--seed")) c.seed = a.seed;
  if (given("--layers")) c.model.hidden = a.layers;
  if (given("--activation")) c.model.hidden_act = parse_activation(a.activation);
  if (given("--output-activation")) c.model.output_act = parse_activation(a.output_activation);
  if (given("--init")) c.model.init = parse_init_scheme(a.init);
  if (given("--loss-normalization")) c.loss = parse_loss_normalization(a.loss);
  if (given("--accumulate-gradients")) c.accumulate_gradients = a.accumulate;
  if (given("--shuffle")) c.shuffle = a.shuffle;
  if (given("--lr")) c.optimizer.lr = a.lr;
  if (given("--weight-decay")) c.optimizer.weight_decay = a.weight_decay;
  if (given("--momentum")) c.optimizer.momentum = a.momentum;
  if (given("--nesterov")) c.optimizer.nesterov = a.nesterov;
  if (given("--eps")) c.optimizer.eps = a.eps;
  if (given("--beta1")) c.optimizer.beta1 = a.beta1;
  if (given("--beta2")) c.optimizer.beta2 = a.beta2;
  if (given("--alpha")) c.optimizer.alpha = a.alpha;
  if (given("--rho")) c.optimizer.rho = a.rho;
  validate(c);
  return c;
}

void run(const CLI::App& cmd, const train_args& a) {
  const train_config config = resolve_config(cmd, a);
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
  CLI::App* cmd = app.add_subcommand("train", "Train an autoencoder and report its test figures");
  std::string presets_help = "Starting configuration; flags override it. One of:";
  for (const preset_info& p : presets()) presets_help += "\n  " + p.name + ": " + p.description;
  add_data_option(*cmd, args->data);
  cmd->add_option("--split", args->split, "u1..u5, ua, ub, or all (no test part)")
      ->capture_default_str();
  cmd->add_option("--preset", args->preset, presets_help)->capture_default_str();
  cmd->add_option("--out", args->out, "Write the trained model here");
  cmd->add_option("--metrics-out", args->metrics_out, "Write figures and per-epoch history (JSON)");
  cmd->add_option("--epochs", args->epochs, "Passes over the training users");
  cmd->add_option("--batch", args->batch, "Users per optimizer step (1 = the seed's)");
  cmd->add_option("--threads", args->threads, "CPU threads");
  cmd->add_option("--seed", args->seed, "Random seed (initialisation, shuffling)");
  cmd->add_option("--layers", args->layers, "Hidden widths, e.g. 20,10,20")->delimiter(',');
  cmd->add_option("--activation", args->activation,
                  "Hidden activation: identity, sigmoid, tanh, relu, leaky_relu, selu, elu");
  cmd->add_option("--output-activation", args->output_activation, "Output activation");
  cmd->add_option("--init", args->init, "Weight initialisation: pytorch or xavier");
  cmd->add_option("--loss-normalization", args->loss,
                  "Divide the masked squared error by all output entries (all, PyTorch MSELoss "
                  "as in the seed) or by the rated ones (rated)");
  cmd->add_flag("--accumulate-gradients,!--no-accumulate-gradients", args->accumulate,
                "Never zero gradients: each step applies the sum of all gradients so far (the "
                "seed's behaviour)");
  cmd->add_flag("--shuffle,!--no-shuffle", args->shuffle, "Visit users in random order each epoch");
  cmd->add_option("--optimizer", args->optimizer,
                  "sgd, rmsprop, adam, adamw, adagrad, adadelta; starts from PyTorch's defaults "
                  "for it, then the flags below apply");
  cmd->add_option("--lr", args->lr, "Learning rate");
  cmd->add_option("--weight-decay", args->weight_decay, "L2 penalty (AdamW: decoupled decay)");
  cmd->add_option("--momentum", args->momentum, "Momentum (sgd, rmsprop)");
  cmd->add_flag("--nesterov", args->nesterov, "Nesterov momentum (sgd)");
  cmd->add_option("--eps", args->eps, "Epsilon of rmsprop, adam, adamw, adagrad, adadelta");
  cmd->add_option("--beta1", args->beta1, "Adam's first-moment decay");
  cmd->add_option("--beta2", args->beta2, "Adam's second-moment decay");
  cmd->add_option("--alpha", args->alpha, "RMSprop's smoothing constant");
  cmd->add_option("--rho", args->rho, "Adadelta's decay");
  cmd->callback([cmd, args] { run(*cmd, *args); });
}

}  // namespace aerec::cli
