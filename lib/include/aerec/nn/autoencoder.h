#pragma once
// An autoencoder: a stack of layers from items back to items. Input rows are
// sparse (a user's ratings, 0 = not rated); outputs are dense predictions.
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "aerec/backend/device_array.h"
#include "aerec/data/sparse_batch.h"
#include "aerec/nn/global_kernel.h"
#include "aerec/nn/layer.h"
#include "aerec/nn/penalty.h"
#include "aerec/nn/sequence_layers.h"

namespace aerec {

// items -> hidden[0] -> ... -> hidden[n-1] -> items, hidden layers with
// `hidden_act`, the output layer with `output_act`. Variational: the code
// layer (see autoencoder::code_layer) is instead a linear layer emitting the
// mean and log-variance of a Gaussian code, twice as wide, and the layer
// above it takes a sample of that code (Mult-VAE's items-600-200-600-items).
// A local_kernel_dim above 0 makes every layer a local-kernel layer with
// points of that dimension (GLocal-K: 5).
std::vector<layer_spec> stacked_layers(int items, std::span<const int> hidden, activation hidden_act,
                                       activation output_act, bool variational = false,
                                       int local_kernel_dim = 0);

// What the outputs of a chain of `specs` score: a sequence autoencoder's
// movies (at each step), else the first layer's inputs.
int scored_columns(const std::vector<layer_spec>& specs);

// Why `specs` do not form an autoencoder (see its constructor); empty when they do.
std::string layer_chain_problem(const std::vector<layer_spec>& specs);
// The layer emitting a variational code in `specs`, if one does.
std::optional<std::size_t> variational_code_of(const std::vector<layer_spec>& specs);

class autoencoder {
 public:
  // Parameters start at zero; call initialize() or load them. Each layer's
  // inputs are the outputs of the one below, except that one hidden layer may
  // emit twice what the layer above takes: it is then a variational code
  // [mean | log-variance], and the layer above takes a sample of it.
  // `code_layer` names the code (a model file says which); by default the
  // rule of code_layer_of, or the variational code's layer.
  autoencoder(backend& b, std::vector<layer_spec> specs, std::optional<std::size_t> code_layer = {});

  void initialize(init_scheme scheme, rng& random);

  // Floats in a row of input.
  int items() const { return specs_.front().inputs(); }
  // What its outputs score: a sequence autoencoder's movies (at each step), else its inputs.
  int columns() const { return scored_columns(specs_); }
  const std::vector<layer_spec>& specs() const { return specs_; }
  backend& device() { return backend_; }

  // Output for a batch on the backend; valid until the next forward. With a
  // `code_mask` (rows x code_size, sparse, on the backend, kept by the caller
  // until backward), the code layer's activations are multiplied by it on
  // their way up, and are zero where it has no entry: dropout while training.
  // The layer above then multiplies only the surviving units.
  const_matrix_view forward(const sparse_view& input, const sparse_view* code_mask = nullptr);
  // Backpropagates dL/d(output) of the last forward (and its mask) through
  // every layer: gradients become beta * gradients + new (beta 0 overwrites,
  // 1 accumulates).
  void backward(const sparse_view& input, const_matrix_view d_output, float beta);
  // The same for dense inputs (rows x items on the backend: an image
  // autoencoder's pixels, a sequence autoencoder's movies), without a global kernel.
  const_matrix_view forward(const_matrix_view input, const sparse_view* code_mask = nullptr);
  void backward(const_matrix_view input, const_matrix_view d_output, float beta);

  // Training with a loss over the rated outputs only: forward() computed
  // just at the entries of `rated` (one value per entry, in its order; the
  // input's own entries, or more when the input is corrupted), so the output
  // layer costs what the ratings number, not rows x items. Needs a hidden
  // layer (computes_rated()).
  bool computes_rated() const { return layers_.size() > 1; }
  const float* forward_rated(const sparse_view& input, const sparse_view& rated,
                             const sparse_view* code_mask = nullptr);
  // backward() for forward_rated, given dL/d(output) at each entry of `rated`.
  void backward_rated(const sparse_view& input, const sparse_view& rated, const float* d_rated, float beta);

  // Penalties that backward() and backward_rated() add to the loss they
  // differentiate (throws error_code::invalid_argument for ones this network
  // cannot take); penalty() is their value on the last forward's batch.
  void set_penalties(const penalty_config& p);
  double penalty();

  // GLocal-K's global kernel stage (global_kernel.h): from now on the
  // network takes relu(convolve(R, kernel)) for the rating matrix R it is
  // given, whole, the kernel made from its own reconstruction of R (so each
  // forward runs the layers twice, and backward through both passes). Its
  // weights start at zero (initialize them through global()). Throws
  // invalid_argument for a bad shape, or a network with dropout, a
  // variational code or penalties other than the kernel penalty.
  void add_global_kernel(const global_kernel_shape& shape);
  global_kernel* global() { return global_.get(); }
  // GLocal-K's rule: a network with a global kernel convolves the whole
  // rating matrix, so it takes every row of it at once, empty rows included.
  bool takes_whole_matrix() const { return global_ != nullptr; }
  const global_kernel* global() const { return global_.get(); }

  // "layers.<i>.weight", "layers.<i>.bias", ... in layer order, then
  // "global_kernel.weights" when there is one.
  std::vector<parameter> parameters();
  std::size_t parameter_count();
  // Every gradient set to 0: what a data-parallel process with no rows in a batch contributes.
  void zero_gradients();
  // Lazy updates (train_config::lazy_updates): the first and last layers then
  // leave stale the gradients of rows a batch does not reach (layer.h), and
  // lazy_rows says which rows of parameters() a step updates: the first
  // layer's weight at the input's columns, and when the loss read the rated
  // outputs alone (`rated` not empty), the last layer's weight and bias at
  // theirs. Throws invalid_argument unless both layers are dense.
  void set_lazy_gradients(bool on);
  std::vector<parameter_rows> lazy_rows(std::vector<std::int32_t> inputs, std::vector<std::int32_t> rated);
  // For a model loaded to predict, whose parameters then never change: each
  // layer keeps its weights prepared for the backend's products
  // (layer::prepare_for_serving); with `sparse_inputs` (ratings), the first
  // layer, which then selects rows of its weight, multiplies nothing and is
  // left as it is. The wasm module calls it; natively the BLAS's products are
  // faster unprepared, and nothing does.
  void prepare_for_serving(bool sparse_inputs);

  // Predictions (rows x items, row-major) for a host batch, copied to the host.
  std::vector<float> predict(const sparse_batch& batch);
  // The same, each clipped to [low, high] as it is copied (one pass, not two).
  std::vector<float> predict(const sparse_batch& batch, float low, float high);
  // The same for dense rows (rows x items, row-major, on the host).
  std::vector<float> predict(std::span<const float> rows);
  // The predictions at `pattern`'s entries alone, in its order, for a host
  // batch of as many rows: the cost of those outputs, not of rows x items
  // (computes_rated), where the network allows.
  std::vector<float> predict_at(const sparse_batch& batch, const sparse_batch& pattern);

  // The code layer, whose activations are the compressed representation of a
  // user: the middle hidden layer of an odd number (20-10-20's 10, and
  // DeepRecommender's 512-512-1024-512-512's 1024), else the narrowest (the
  // first of equals).
  // A variational network's code layer is the one emitting the Gaussian code.
  std::size_t code_layer() const { return code_layer_; }
  // The code layer of a plain stack of these layers (the rule above).
  static std::size_t code_layer_of(const std::vector<layer_spec>& specs);
  int code_size() const { return specs_[code_layer()].outputs() / (variational() ? 2 : 1); }
  bool variational() const { return variational_; }
  // The standard normal draws (rows x code_size, on the backend; null: none)
  // that forward() samples a variational code with until they are cleared,
  // and the weight of the code's KL divergence in the loss (penalty()).
  // Without draws the code is its mean, as for prediction.
  void set_code_sample(const float* normal_draws, float kl_weight);
  // Code-layer activations (rows x code_size, row-major) for a host batch.
  std::vector<float> encode(const sparse_batch& batch);
  std::vector<float> encode(std::span<const float> rows);

 private:
  // What layer `layer` takes when the network takes `input`.
  layer_input input_of(std::size_t layer, const layer_input& input) const;
  // What the layers take for `input`: itself, or the global kernel's transform of it.
  const sparse_view& fed(const sparse_view& input, const sparse_view* code_mask);
  // The layers alone, forward and backward (which returns dL/d(input) at its
  // entries when there is a global kernel, to backpropagate into it).
  const_matrix_view forward_stack(const layer_input& input, const sparse_view* code_mask);
  const_matrix_view backward_stack(const layer_input& input, const_matrix_view d_output, float beta);
  // Backpropagates dL/d(fed input) through the global kernel and the pass
  // that reconstructed `input` for it.
  void backward_global(const sparse_view& input, const_matrix_view d_fed, float beta);
  // Sets every layer's penalty on its own parameters, where its kind has one.
  void set_own_penalties(float weight);
  // Every layer but the output, forward; and backward from the output layer's input gradient.
  void forward_hidden(const layer_input& input, const sparse_view* code_mask);
  const_matrix_view backward_hidden(const layer_input& input, const_matrix_view grad, float beta);
  // grad (dL/d layer i's activations) plus the penalties' gradient there.
  const_matrix_view add_penalties(std::size_t layer, const_matrix_view grad);
  // The contractive penalty's gradient through the first layer's weights alone.
  void add_contractive_weight_grad();
  // The first layer's W (inputs x units).
  const_matrix_view first_weights();
  // Layer i's activations before any dropout mask.
  const_matrix_view activations(std::size_t layer) const;
  std::size_t activity_layer() const;
  // The variational code's sample, and dL/d(code) from dL/d(sample).
  const_matrix_view sample_code(const_matrix_view code);
  const_matrix_view unsample_grad(const_matrix_view grad);
  // Whether the layer above the code takes the masked code as a sparse input.
  bool sparse_code() const;
  // The code times the mask, kept as masked_code_; returns what the layer above sees when dense.
  const_matrix_view mask_code(const_matrix_view code);
  // dL/d(code) from dL/d(masked code) (dense, or at the mask's entries when sparse_code()).
  const_matrix_view unmask_grad(const_matrix_view grad);
  const_matrix_view dense_copy(const sparse_view& x);
  // Runs the batch forward and copies layer `layer`'s output to the host.
  std::vector<float> output_of(std::size_t layer, const sparse_batch& batch);
  std::vector<float> output_of(std::size_t layer, std::span<const float> rows);
  void forward_host(const sparse_batch& batch);
  // `out` on the host, clipped to clip's [first, second] where it is set.
  std::vector<float> host_copy(const_matrix_view out,
                               std::optional<std::pair<float, float>> clip = std::nullopt);

  backend& backend_;
  std::vector<layer_spec> specs_;
  std::vector<std::unique_ptr<layer>> layers_;
  std::vector<const_matrix_view> outputs_;
  const sparse_view* code_mask_ = nullptr;
  const_matrix_view raw_code_{nullptr, 0, 0};  // the code before its mask or sampling
  std::size_t code_layer_ = 0;
  bool variational_ = false;
  std::size_t variational_code_ = 0;  // the layer emitting the variational code
  const float* code_draws_ = nullptr;
  float kl_weight_ = 0;
  device_array<float> sample_;       // the sampled code
  device_array<float> sample_grad_;  // dL/d[mean | log-variance]
  penalty_config penalties_;
  device_array<float> penalty_grad_;
  sparse_view masked_code_{};          // the mask's entries, valued code times mask
  device_array<float> masked_values_;  // masked_code_'s values; in backward, dL/d(code) there
  device_array<float> masked_dense_;   // a dense copy, for layers that take one
  device_sparse predict_input_;
  device_sparse predict_pattern_;  // predict_at's
  device_array<float> dense_input_;
  std::unique_ptr<global_kernel> global_;
};

}  // namespace aerec
