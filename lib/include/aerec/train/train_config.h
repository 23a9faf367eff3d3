#pragma once
// Everything that defines a training run, and the named presets.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "aerec/nn/activation.h"
#include "aerec/nn/layer.h"
#include "aerec/nn/loss.h"
#include "aerec/nn/model.h"
#include "aerec/nn/penalty.h"
#include "aerec/nn/sequence_layers.h"
#include "aerec/train/lbfgs.h"
#include "aerec/train/optimizer_config.h"

namespace aerec {

// What training minimises: the masked squared error of ratings, the
// multinomial likelihood of the items each user rated highly (implicit
// feedback, Mult-VAE / Mult-DAE), for top-N recommendation, or an image's
// per-pixel binary cross-entropy. On images, squared_error is the per-pixel
// MSE.
enum class objective { squared_error, multinomial, cross_entropy };
const char* objective_name(objective o);
objective parse_objective(const std::string& name);

struct model_config {
  std::vector<int> hidden = {20, 10, 20};
  // A variational code (stacked_layers): Mult-VAE.
  bool variational = false;
  // Kernel layers (layer.h) with points of this dimension (GLocal-K: 5); 0: dense layers.
  int local_kernel_dim = 0;
  // An image autoencoder's convolutional layers (nn/image_layers.h's
  // conv_layers: "c16,p2,c8,p2,..."); empty: dense layers of `hidden`.
  std::string conv;
  sequence_config sequence;
  activation hidden_act = activation::sigmoid;
  activation output_act = activation::identity;
  init_scheme init = init_scheme::pytorch;
};

struct train_config {
  model_config model;
  optimizer_config optimizer;
  // Full-batch L-BFGS instead of `optimizer` (I-AutoRec, GLocal-K): each epoch
  // is one lbfgs::step (up to max_iter iterations) over every non-empty row at
  // once, minimising 1/2 * the squared error of the rated entries +
  // lambda_2 / 2 * the squared `.weight` parameters + the model's penalties,
  // lambda_2 being optimizer.weight_decay. batch_size, shuffle, loss and the
  // optimizer's other settings do not apply; nothing stochastic or
  // step-based may be combined with it (validate).
  std::optional<lbfgs_config> lbfgs;
  // Start every epoch's L-BFGS step from an empty history, as GLocal-K's
  // scipy minimize() call per epoch does (its first iteration then takes a
  // short gradient step); else the history carries on, as torch's does.
  bool lbfgs_restart = false;
  // GLocal-K's global kernel (global_kernel.h), for item-based L-BFGS
  // training: after pretrain_epochs epochs of the layers alone, the network
  // gains a size x size global kernel (size 0: never) and fine-tunes with it,
  // under a new L-BFGS history (GLocal-K's second optimizer).
  struct global_kernel_config {
    int size = 0;
    float dot_scale = 1;
    int pretrain_epochs = 30;
  } global_kernel;
  int epochs = 200;
  int batch_size = 1;    // users per step; 1 is the seed's one-user-per-step training
  bool shuffle = false;  // visit users in a new random order every epoch
  // Never zero the gradients: every step applies the sum of all gradients so
  // far. The seed's PyTorch code omits optimizer.zero_grad(), and its recipe
  // (RMSprop with weight decay 0.5) only trains because of that.
  bool accumulate_gradients = false;
  // Lazy updates (PyTorch's SparseAdam, TensorFlow's LazyAdam): each step
  // updates only the rows of the first layer's weights that the batch's input
  // columns reach, and of the last layer's weights and bias that its rated
  // outputs reach, so a step costs the batch's ratings, not every movie.
  // Weight decay and momentum then act on a row only in the steps that touch it.
  bool lazy_updates = false;
  // What the squared-error objective divides its sum by (loss.h); the
  // multinomial objective has its own scale.
  loss_normalization squared_error_normalization = loss_normalization::all_entries;
  objective goal = objective::squared_error;
  // A variational code's KL weight: raised linearly from 0 over this many
  // optimizer steps to kl_cap (Liang et al.'s annealing); 0 steps: kl_cap throughout.
  float kl_cap = 0.2f;
  int kl_anneal_steps = 0;
  // Dropout on the code layer's activations while training (DeepRecommender's
  // regulariser): the fraction of units zeroed each step.
  float dropout = 0;
  // Denoising: the fraction of each user's ratings hidden from the input each
  // step (masking noise; the rest scaled by 1 / (1 - rate), as dropout does).
  // The loss still scores every rating, so the model learns to fill them in.
  float input_dropout = 0;
  // Denoising: Gaussian noise of this standard deviation added to every
  // rating the input keeps.
  float input_noise = 0;
  // On images the three kinds of noise of data/image_noise.h, in this order:
  // input_dropout masks pixels to 0 (no rescaling), input_noise is the
  // Gaussian noise factor (clipped to [0, 1]), and salt_pepper the fraction of
  // pixels set to 0 or 1. The loss compares the clean image.
  float salt_pepper = 0;
  // Sparse and contractive autoencoders' penalties (penalty.h).
  penalty_config penalties;
  // DeepRecommender's dense re-feeding: after each step on a batch, the
  // network's own dense output f(x) is fed back as input and target for a
  // second step (f(x) should be a fixed point of a good autoencoder).
  bool refeed = false;
  // Item-based (I-AutoRec): rows are movies and columns users, so a movie's
  // ratings are reconstructed from the users who rated it. Such a model
  // predicts for the users it was trained on only.
  bool item_based = false;
  std::uint64_t seed = 1;
  int threads = 1;
};

struct preset_info {
  std::string name;
  std::string description;
  train_config (*make)();
  // It trains image autoencoders (--data fashion-mnist), not recommenders.
  bool images = false;
  // It trains a sequence model on the order of each user's ratings.
  bool sequences = false;
  // It trains on a rating matrix (training_run), as the recommenders do.
  bool ratings() const { return !images && !sequences; }
};

// The L-BFGS settings that training with it starts from: GLocal-K's (5
// iterations an epoch, scipy's history of 10, a strong-Wolfe line search).
lbfgs_config training_lbfgs();

// The optimizer's names: torch.optim's, and lbfgs (full-batch L-BFGS, train_config::lbfgs).
std::string optimizer_choice(const train_config& config);
// Starts the optimizer settings afresh for `name`: PyTorch's defaults, or for
// lbfgs training_lbfgs() with plain SGD's settings (no weight decay) and
// gradients that do not accumulate. Throws error_code::invalid_argument
// listing the names for an unknown one.
void choose_optimizer(train_config& config, const std::string& name);
// L-BFGS's line search: strong_wolfe or none (a fixed step).
const char* line_search_name(bool strong_wolfe);
bool parse_line_search(const std::string& name);  // true for strong_wolfe

const std::vector<preset_info>& presets();
// Throws error_code::invalid_argument listing the known presets.
train_config preset(const std::string& name);

// Throws error_code::invalid_argument for an unusable configuration.
void validate(const train_config& config);

// Whether it trains an image autoencoder (a convolutional network, or the
// cross-entropy objective), on image data.
bool trains_on_images(const train_config& config);

// Whether it trains a sequence autoencoder (model_config::sequence).
bool trains_on_sequences(const train_config& config);

// What a model trained so is: item-based or not, ratings or ranking scores, images.
model_meaning meaning_of(const train_config& config);

}  // namespace aerec
