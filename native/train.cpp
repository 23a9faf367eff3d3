// aerec train: train an autoencoder on a split, report test figures; with a
// validation slice, stop early and keep the best epoch; checkpoint, resume,
// and save a checkpoint on Ctrl-C (the run itself: training_session.h).
#include <memory>

#include "aerec/io/model_file.h"
#include "commands.h"
#include "config_file.h"
#include "config_json.h"
#include "training_session.h"

namespace aerec::cli {

namespace {

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
  add_device_option(*cmd, a.device);
  cmd->add_option("--resume", a.resume,
                  "Continue the run saved in this checkpoint (same data, split and configuration)");

  using cfg = train_config;
  // First, so that the optimizer flags below apply to the chosen optimizer.
  config_option<std::string>(*cmd, a, "--optimizer",
                             "sgd, rmsprop, adam, adamw, adagrad, adadelta, or lbfgs (full batch, "
                             "each epoch one L-BFGS step; --weight-decay is its L2 weight; gradients "
                             "do not accumulate); starts from PyTorch's defaults for it, then the "
                             "optimizer flags apply",
                             [](cfg& c, const std::string& v) { choose_optimizer(c, v); });
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
  config_option<int>(*cmd, a, "--kernel-dim",
                     "Kernel layers (Sparse FC / GLocal-K): each weight is scaled by a kernel of its "
                     "input's and output's learned points in R^D (0: dense layers)",
                     [](cfg& c, int v) { c.model.local_kernel_dim = v; });
  config_option<float>(*cmd, a, "--kernel-penalty",
                       "Kernel layers: the weight of the L2 penalty on their kernels (GLocal-K's lambda_s)",
                       [](cfg& c, float v) { c.penalties.local_kernel = v; });
  config_option<int>(*cmd, a, "--global-kernel",
                     "GLocal-K's global kernel: after --pretrain-epochs, fine-tune with a SIZE x SIZE "
                     "convolution of the rating matrix made from the model's own reconstruction "
                     "(item-based, lbfgs; 0: none)",
                     [](cfg& c, int v) { c.global_kernel.size = v; });
  config_option<float>(*cmd, a, "--global-kernel-scale", "The global kernel's dot-product scale",
                       [](cfg& c, float v) { c.global_kernel.dot_scale = v; });
  config_option<int>(*cmd, a, "--pretrain-epochs", "Epochs before the global kernel joins (of --epochs)",
                     [](cfg& c, int v) { c.global_kernel.pretrain_epochs = v; });
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
                             [](cfg& c, const std::string& v) { c.squared_error_normalization = parse_loss_normalization(v); });
  config_flag(*cmd, a, "--accumulate-gradients,!--no-accumulate-gradients",
              "Never zero gradients: each step applies the sum of all gradients so far (the seed's "
              "behaviour)",
              [](cfg& c, bool v) { c.accumulate_gradients = v; });
  config_flag(*cmd, a, "--shuffle,!--no-shuffle", "Visit users in a new random order each epoch",
              [](cfg& c, bool v) { c.shuffle = v; });
  config_option<double>(*cmd, a, "--lr", "Learning rate", [](cfg& c, double v) { c.optimizer.lr = v; });
  config_option<double>(*cmd, a, "--weight-decay", "L2 penalty (AdamW: decoupled decay; lbfgs: lambda_2 of its objective)",
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
  config_option<int>(*cmd, a, "--lbfgs-iters", "L-BFGS iterations per epoch (lbfgs; default 5)",
                     [](cfg& c, int v) {
                       if (c.lbfgs) c.lbfgs->max_iter = v;
                     });
  config_option<int>(*cmd, a, "--lbfgs-history", "L-BFGS's history size (lbfgs; default 10)",
                     [](cfg& c, int v) {
                       if (c.lbfgs) c.lbfgs->history_size = v;
                     });
  config_flag(*cmd, a, "--lbfgs-restart,!--no-lbfgs-restart",
              "Start each epoch's L-BFGS step from an empty history, as GLocal-K's scipy calls do (lbfgs)",
              [](cfg& c, bool v) { c.lbfgs_restart = v; });
  config_option<std::string>(*cmd, a, "--lbfgs-line-search",
                             "L-BFGS's line search: strong_wolfe or none, a fixed step of 1 "
                             "(lbfgs; default strong_wolfe)",
                             [](cfg& c, const std::string& v) {
                               const bool strong_wolfe = parse_line_search(v);
                               if (c.lbfgs) c.lbfgs->strong_wolfe = strong_wolfe;
                             });
  cmd->callback([args] { run(*args); });
}

}  // namespace aerec::cli
