#include "aerec/train/options.h"

namespace aerec {

namespace {

using row = option<train_config>;

// Whether a stored configuration must hold a key: the keys of the first
// stored configurations always, those added since never (an older file's
// configuration lacks them and had their defaults), and the L-BFGS settings
// with the lbfgs optimizer only (they apply to it alone).
constexpr auto required = always<train_config>;
constexpr auto added_later = never<train_config>;
bool with_lbfgs(const train_config& c) { return c.lbfgs.has_value(); }

// An L-BFGS setting, written as to(setting) and read back by from. Without
// the lbfgs optimizer it reads as the settings lbfgs would start from (so
// that aerec tune can vary it) and is checked but ignored when set.
template <class V, class To = std::identity, class From = std::identity>
row lbfgs_option(const char* name, const char* help, V lbfgs_config::*setting, To to = {}, From from = {}) {
  return make_option<train_config>(
      name, help, with_lbfgs,
      [setting, to](const train_config& c) { return to(c.lbfgs.value_or(training_lbfgs()).*setting); },
      [setting, from](train_config& c, const auto& value) {
        const V v = from(value);
        if (c.lbfgs) (*c.lbfgs).*setting = v;
      });
}

}  // namespace

// A new training option costs one row here (and its field in train_config):
// its flag, help, JSON key and stored value all come from the row. The order
// is that of the stored JSON and the one options apply in: --optimizer comes
// before the settings it starts afresh (the optimizer's and L-BFGS's, and
// accumulate-gradients), so that flags given with it modify the optimizer it
// chooses. A new option is `added_later`: files stored before it lack its key.
const std::vector<row>& train_options() {
  using c = train_config;
  static const std::vector<row> all = {
      field_option<c>(
          "layers", "Hidden widths, e.g. 20,10,20", required,
          [](auto& t) -> auto& { return t.model.hidden; }),
      field_option<c>(
          "conv",
          "Images: convolutional layers instead of --layers, comma-separated: c16 (3x3 conv, 16 "
          "channels, same size), c16v (unpadded), p2 (2x2 max pooling), u2 (2x upsampling), t16 "
          "(2x2 transposed conv, stride 2); a 3x3 conv back to the image's channels ends it",
          added_later, [](auto& t) -> auto& { return t.model.conv; }),
      field_option<c>(
          "seq-length",
          "Sequences: a sequence autoencoder reading each user's last N movies in time order (0: none)",
          added_later, [](auto& t) -> auto& { return t.model.sequence.length; }),
      field_option<c>(
          "seq-steps", "Sequences: how many next movies the decoder predicts", added_later,
          [](auto& t) -> auto& { return t.model.sequence.steps; }),
      field_option<c>(
          "embedding", "Sequences: the movies' embedding width", added_later,
          [](auto& t) -> auto& { return t.model.sequence.embedding; }),
      field_option<c>(
          "lstm-hidden", "Sequences: the encoder's and decoder's LSTM width", added_later,
          [](auto& t) -> auto& { return t.model.sequence.hidden; }),
      field_option<c>(
          "with-rating", "Sequences: each movie's rating as one more input feature", added_later,
          [](auto& t) -> auto& { return t.model.sequence.with_rating; }),
      field_option<c>(
          "teacher-forcing",
          "Sequences: each decoder step also given the movie before the one it predicts (the last one "
          "read, then in training the true targets)",
          added_later, [](auto& t) -> auto& { return t.model.sequence.teacher_forcing; }),
      field_option<c>(
          "variational",
          "Variational code (Mult-VAE): the code layer emits a Gaussian's mean and log-variance", added_later,
          [](auto& t) -> auto& { return t.model.variational; }),
      field_option<c>(
          "kernel-dim",
          "Kernel layers (Sparse FC / GLocal-K): each weight is scaled by a kernel of its "
          "input's and output's learned points in R^D (0: dense layers)",
          added_later, [](auto& t) -> auto& { return t.model.local_kernel_dim; }),
      named_option<c>(
          "activation", "Hidden activation: identity, sigmoid, tanh, relu, leaky_relu, selu, elu", required,
          [](auto& t) -> auto& { return t.model.hidden_act; }, activation_name, parse_activation),
      named_option<c>(
          "output-activation", "Output activation", required,
          [](auto& t) -> auto& { return t.model.output_act; }, activation_name, parse_activation),
      named_option<c>(
          "init", "Weight initialisation: pytorch or xavier", required,
          [](auto& t) -> auto& { return t.model.init; }, init_scheme_name, parse_init_scheme),
      make_option<c>("optimizer",
                     "sgd, rmsprop, adam, adamw, adagrad, adadelta, or lbfgs (full batch, each epoch "
                     "one L-BFGS step; --weight-decay is its L2 weight; gradients do not accumulate); "
                     "starts from PyTorch's defaults for it, then the optimizer flags apply",
                     required, optimizer_choice, choose_optimizer),
      field_option<c>(
          "lr", "Learning rate", required, [](auto& t) -> auto& { return t.optimizer.lr; }),
      field_option<c>(
          "weight-decay", "L2 penalty (AdamW: decoupled decay; lbfgs: lambda_2 of its objective)", required,
          [](auto& t) -> auto& { return t.optimizer.weight_decay; }),
      field_option<c>(
          "momentum", "Momentum (sgd, rmsprop)", required,
          [](auto& t) -> auto& { return t.optimizer.momentum; }),
      field_option<c>(
          "dampening", "Momentum dampening (sgd)", required,
          [](auto& t) -> auto& { return t.optimizer.dampening; }),
      field_option<c>(
          "nesterov", "Nesterov momentum (sgd)", required,
          [](auto& t) -> auto& { return t.optimizer.nesterov; }),
      field_option<c>(
          "alpha", "RMSprop's smoothing constant", required,
          [](auto& t) -> auto& { return t.optimizer.alpha; }),
      field_option<c>(
          "centered", "Centered RMSprop", required, [](auto& t) -> auto& { return t.optimizer.centered; }),
      field_option<c>(
          "eps", "Epsilon of rmsprop, adam, adamw, adagrad, adadelta", required,
          [](auto& t) -> auto& { return t.optimizer.eps; }),
      field_option<c>(
          "beta1", "Adam's first-moment decay", required, [](auto& t) -> auto& { return t.optimizer.beta1; }),
      field_option<c>(
          "beta2", "Adam's second-moment decay", required,
          [](auto& t) -> auto& { return t.optimizer.beta2; }),
      field_option<c>(
          "amsgrad", "AMSGrad (adam, adamw)", required, [](auto& t) -> auto& { return t.optimizer.amsgrad; }),
      field_option<c>(
          "lr-decay", "Adagrad's learning-rate decay", required,
          [](auto& t) -> auto& { return t.optimizer.lr_decay; }),
      field_option<c>(
          "initial-accumulator", "Adagrad's starting sum", required,
          [](auto& t) -> auto& { return t.optimizer.initial_accumulator; }),
      field_option<c>(
          "rho", "Adadelta's decay", required, [](auto& t) -> auto& { return t.optimizer.rho; }),
      lbfgs_option("lbfgs-iters", "L-BFGS iterations per epoch (lbfgs; default 5)", &lbfgs_config::max_iter),
      lbfgs_option("lbfgs-history", "L-BFGS's history size (lbfgs; default 10)", &lbfgs_config::history_size),
      lbfgs_option(
          "lbfgs-line-search",
          "L-BFGS's line search: strong_wolfe or none, a fixed step of 1 (lbfgs; default strong_wolfe)",
          &lbfgs_config::strong_wolfe,
          [](bool strong_wolfe) { return std::string(line_search_name(strong_wolfe)); }, parse_line_search),
      field_option<c>(
          "lbfgs-restart",
          "Start each epoch's L-BFGS step from an empty history, as GLocal-K's scipy calls "
          "do (lbfgs)",
          added_later, [](auto& t) -> auto& { return t.lbfgs_restart; }),
      field_option<c>(
          "epochs", "Passes over the training users", required, [](auto& t) -> auto& { return t.epochs; }),
      field_option<c>(
          "batch", "Users (or images) per optimizer step (1 = the seed's)", required,
          [](auto& t) -> auto& { return t.batch_size; }),
      field_option<c>(
          "shuffle", "Visit users in a new random order each epoch", required,
          [](auto& t) -> auto& { return t.shuffle; }),
      field_option<c>(
          "dropout",
          "Dropout on the code layer while training: the fraction of its units zeroed each step (a "
          "sequence autoencoder's: the decoder's input)",
          added_later, [](auto& t) -> auto& { return t.dropout; }),
      field_option<c>(
          "input-dropout",
          "Denoising: the fraction of each user's ratings hidden from the input each step "
          "(the loss still scores them all); on images, of pixels set to 0",
          added_later, [](auto& t) -> auto& { return t.input_dropout; }),
      field_option<c>(
          "input-noise",
          "Denoising: the standard deviation of Gaussian noise added to each input rating (images: "
          "the noise factor, clipped to [0, 1])",
          added_later, [](auto& t) -> auto& { return t.input_noise; }),
      field_option<c>(
          "salt-pepper", "Denoising images: the fraction of pixels set to 0 or 1 in each input", added_later,
          [](auto& t) -> auto& { return t.salt_pepper; }),
      named_option<c>(
          "activity-penalty",
          "Sparse autoencoder: penalise a hidden layer's activations, l1 or kl (KL divergence "
          "of each unit's mean activation from --activity-target; sigmoid)",
          added_later, [](auto& t) -> auto& { return t.penalties.activity.kind; }, activity_kind_name,
          parse_activity_kind),
      field_option<c>(
          "activity-weight", "The activity penalty's weight", added_later,
          [](auto& t) -> auto& { return t.penalties.activity.weight; }),
      field_option<c>(
          "activity-target", "The KL activity penalty's target mean activation", added_later,
          [](auto& t) -> auto& { return t.penalties.activity.target; }),
      field_option<c>(
          "activity-layer",
          "The hidden layer the activity penalty applies to (0 = first; -1 = the code layer)", added_later,
          [](auto& t) -> auto& { return t.penalties.activity.layer; }),
      field_option<c>(
          "contractive",
          "Contractive autoencoder: the weight of the first layer's Jacobian penalty "
          "||dh/dx||^2 (sigmoid or tanh)",
          added_later, [](auto& t) -> auto& { return t.penalties.contractive; }),
      field_option<c>(
          "kernel-penalty",
          "Kernel layers: the weight of the L2 penalty on their kernels (GLocal-K's lambda_s)", added_later,
          [](auto& t) -> auto& { return t.penalties.local_kernel; }),
      field_option<c>(
          "global-kernel",
          "GLocal-K's global kernel: after --pretrain-epochs, fine-tune with a SIZE x SIZE "
          "convolution of the rating matrix made from the model's own reconstruction "
          "(item-based, lbfgs; 0: none)",
          added_later, [](auto& t) -> auto& { return t.global_kernel.size; }),
      field_option<c>(
          "global-kernel-scale", "The global kernel's dot-product scale", added_later,
          [](auto& t) -> auto& { return t.global_kernel.dot_scale; }),
      field_option<c>(
          "pretrain-epochs", "Epochs before the global kernel joins (of --epochs)", added_later,
          [](auto& t) -> auto& { return t.global_kernel.pretrain_epochs; }),
      field_option<c>(
          "refeed",
          "Dense re-feeding (DeepRecommender): a second step on the network's own output "
          "each batch",
          added_later, [](auto& t) -> auto& { return t.refeed; }),
      field_option<c>(
          "item-based",
          "Item-based (I-AutoRec): rows are movies, reconstructed from the users who rated them", added_later,
          [](auto& t) -> auto& { return t.item_based; }),
      field_option<c>(
          "accumulate-gradients",
          "Never zero gradients: each step applies the sum of all gradients so far (the "
          "seed's behaviour)",
          required, [](auto& t) -> auto& { return t.accumulate_gradients; }),
      field_option<c>(
          "lazy-updates",
          "Update only the first layer's rows that a batch's input reaches and the last layer's rows its "
          "rated outputs reach (as PyTorch's SparseAdam): a step then costs the batch's ratings, not every "
          "movie; weight decay and momentum act on a row only in the steps that touch it",
          added_later, [](auto& t) -> auto& { return t.lazy_updates; }),
      named_option<c>(
          "loss-normalization",
          "Divide the masked squared error by all output entries (all: PyTorch's MSELoss, as "
          "in the seed) or by the rated ones (rated)",
          required, [](auto& t) -> auto& { return t.squared_error_normalization; }, loss_normalization_name,
          parse_loss_normalization),
      named_option<c>(
          "objective",
          "squared-error (predict ratings; on images, per-pixel MSE), multinomial (Mult-VAE/DAE: "
          "rank the movies each user rated 4 or more, from those alone; top-N figures) or "
          "cross-entropy (images: per-pixel binary cross-entropy)",
          added_later, [](auto& t) -> auto& { return t.goal; }, objective_name, parse_objective),
      field_option<c>(
          "kl-cap", "The variational code's KL weight, after annealing", added_later,
          [](auto& t) -> auto& { return t.kl_cap; }),
      field_option<c>(
          "kl-anneal-steps",
          "Raise the KL weight linearly from 0 to --kl-cap over this many steps (0: at once)", added_later,
          [](auto& t) -> auto& { return t.kl_anneal_steps; }),
      field_option<c>(
          "seed", "Random seed (initialisation, shuffling, splits)", required,
          [](auto& t) -> auto& { return t.seed; }),
      field_option<c>(
          "threads", "CPU threads", required, [](auto& t) -> auto& { return t.threads; }),
  };
  return all;
}

json to_json(const train_config& config) { return options_to_json(train_options(), config); }

train_config train_config_from_json(const json& j, const std::string& source) {
  train_config c;
  options_from_json(train_options(), j, c, source + ": training configuration");
  validate(c);
  return c;
}

}  // namespace aerec
