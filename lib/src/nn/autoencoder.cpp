#include "aerec/nn/autoencoder.h"

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <optional>
#include <string>

#include "aerec/backend/ops/elementwise_ops.h"
#include "aerec/backend/ops/penalty_ops.h"
#include "aerec/backend/ops/variational_ops.h"
#include "aerec/core/error.h"
#include "aerec/nn/layer_registry.h"
#include "aerec/nn/layers/dense.h"
#include "aerec/nn/layers/local_kernel.h"
#include "aerec/nn/sequence_layers.h"

namespace aerec {

namespace {

// Reads floats clipped to [low, high] (std::clamp's result, NaN kept): a vector made from
// two of these copies and clips in one pass, into memory it does not zero first.
struct clipping {
  using iterator_category = std::random_access_iterator_tag;
  using value_type = float;
  using difference_type = std::ptrdiff_t;
  using pointer = const float*;
  using reference = float;

  const float* at;
  float low, high;

  float operator*() const {
    const float v = *at < low ? low : *at;
    return high < v ? high : v;
  }
  clipping& operator++() {
    ++at;
    return *this;
  }
  difference_type operator-(const clipping& other) const { return at - other.at; }
  bool operator==(const clipping& other) const { return at == other.at; }
};

layer_input sparse_input(const sparse_view& x) {
  layer_input in;
  in.sparse = &x;
  return in;
}
layer_input dense_input(const_matrix_view x) {
  layer_input in;
  in.dense = x;
  return in;
}
}  // namespace

std::vector<layer_spec> stacked_layers(int items, std::span<const int> hidden, activation hidden_act,
                                       activation output_act, bool variational, int local_kernel_dim) {
  if (local_kernel_dim < 0) throw error(error_code::invalid_argument, "the kernel dimension must be >= 0");
  const auto layer = [&](int inputs, int outputs, activation act) {
    return local_kernel_dim > 0 ? local_kernel_spec(inputs, outputs, act, local_kernel_dim)
                                : dense_spec(inputs, outputs, act);
  };
  std::vector<layer_spec> specs;
  int inputs = items;
  for (const int width : hidden) {
    if (width <= 0) throw error(error_code::invalid_argument, "layer widths must be positive");
    specs.push_back(layer(inputs, width, hidden_act));
    inputs = width;
  }
  specs.push_back(layer(inputs, items, output_act));
  if (variational) {
    // Built as a plain stack first, so that code_layer() picks the same layer.
    const std::size_t code = autoencoder::code_layer_of(specs);
    if (code == 0 || code + 1 >= specs.size())
      throw error(error_code::invalid_argument,
                  "a variational autoencoder needs a hidden layer below its code, and one above");
    specs[code].output = shape::features(specs[code].outputs() * 2);
    specs[code].act = activation::identity;
  }
  return specs;
}

std::optional<std::size_t> variational_code_of(const std::vector<layer_spec>& specs) {
  // A hidden layer (not the first) emitting twice what the next layer takes.
  for (std::size_t i = 2; i + 1 < specs.size(); ++i)
    if (specs[i].inputs() * 2 == specs[i - 1].outputs()) return i - 1;
  return std::nullopt;
}

int scored_columns(const std::vector<layer_spec>& specs) {
  return reads_sequences(specs) ? sequence_shape_of(specs).vocabulary : specs.front().inputs();
}

std::string layer_chain_problem(const std::vector<layer_spec>& specs) {
  if (specs.empty()) return "an autoencoder needs layers";
  const std::optional<std::size_t> code = variational_code_of(specs);
  for (std::size_t i = 0; i < specs.size(); ++i) {
    if (const std::string problem = layer_problem(specs[i]); !problem.empty())
      return "layer " + std::to_string(i) + ": " + problem;
    // Each layer takes the shape the one below emits; a variational code's
    // layer emits the code's mean and log-variance, twice what the next takes.
    const bool chained = i == 0 || specs[i].input == specs[i - 1].output || (code && i == *code + 1);
    if (!chained) return "layer " + std::to_string(i) + " does not fit the layer below it";
  }
  if (reads_sequences(specs)) {
    // It reads movie ids and scores every movie of its vocabulary at each step.
    const shape out = specs.back().output;
    if (out.kind() != shape_kind::sequence || out.dim(1) != specs.front().attribute("vocabulary"))
      return "a sequence autoencoder's output must score its embedding's movies at each step";
  } else if (specs.back().output != specs.front().input) {
    return "an autoencoder's output shape must equal its input's";
  }
  return {};
}

autoencoder::autoencoder(backend& b, std::vector<layer_spec> specs, std::optional<std::size_t> code_layer)
    : backend_(b), specs_(std::move(specs)) {
  if (const std::string problem = layer_chain_problem(specs_); !problem.empty())
    throw error(error_code::invalid_argument, problem);
  if (const auto code = variational_code_of(specs_)) {
    variational_ = true;
    variational_code_ = *code;
  }
  code_layer_ = variational_ ? variational_code_ : code_layer_of(specs_);
  if (code_layer && *code_layer != code_layer_) {
    if (variational_ || *code_layer + 1 >= specs_.size())
      throw error(error_code::invalid_argument,
                  "layer " + std::to_string(*code_layer) + " cannot be this network's code");
    code_layer_ = *code_layer;
  }
  for (std::size_t i = 0; i < specs_.size(); ++i) {
    // The output layer stores W^T when it is not also the input layer (which
    // needs W for its sparse input): then it computes rated outputs alone.
    const bool output_layer = i + 1 == specs_.size() && i > 0;
    layers_.push_back(
        make_layer(b, specs_[i], output_layer ? weight_layout::by_output : weight_layout::by_input));
  }
  outputs_.assign(specs_.size(), const_matrix_view(nullptr, 0, 0));
}

void autoencoder::initialize(init_scheme scheme, rng& random) {
  for (auto& l : layers_) l->initialize(scheme, random);
}

layer_input autoencoder::input_of(std::size_t layer, const layer_input& input) const {
  layer_input x;
  if (layer == 0)
    x = input;
  else if (code_mask_ && layer == code_layer() + 1 && sparse_code())
    x.sparse = &masked_code_;
  else
    x.dense = outputs_[layer - 1];
  return x;
}

bool autoencoder::sparse_code() const {
  // The layer above the code takes it sparse unless it is the output layer,
  // which stores W^T and so takes dense inputs only, or it does not map
  // features to features (dense and kernel layers read sparse rows; sequence
  // and image layers do not), or the backend multiplies dense matrices faster.
  if (code_layer() + 2 >= layers_.size() || backend_.dense_beats_sparse()) return false;
  const layer_spec& above = specs_[code_layer() + 1];
  return above.input.kind() == shape_kind::features && above.output.kind() == shape_kind::features;
}

void autoencoder::forward_hidden(const layer_input& input, const sparse_view* code_mask) {
  AEREC_ASSERT((input.sparse ? input.sparse->cols : input.dense.cols) == items());
  code_mask_ = code_mask;
  for (std::size_t i = 0; i + 1 < layers_.size(); ++i) {
    outputs_[i] = layers_[i]->forward(input_of(i, input));
    // The layer keeps its own output for its backward; the layers above see the masked code.
    if (i == code_layer() && (code_mask_ || variational_)) {
      raw_code_ = outputs_[i];
      outputs_[i] = variational_ ? sample_code(outputs_[i]) : mask_code(outputs_[i]);
    }
  }
}

const sparse_view& autoencoder::fed(const sparse_view& input, const sparse_view* code_mask) {
  if (!global_) return input;
  AEREC_ASSERT(!code_mask);
  return global_->transform(input, forward_stack(sparse_input(input), nullptr));
}

const_matrix_view autoencoder::forward(const sparse_view& input, const sparse_view* code_mask) {
  return forward_stack(sparse_input(fed(input, code_mask)), code_mask);
}

const_matrix_view autoencoder::forward(const_matrix_view input, const sparse_view* code_mask) {
  AEREC_ASSERT(!global_);
  return forward_stack(dense_input(input), code_mask);
}

const_matrix_view autoencoder::forward_stack(const layer_input& input, const sparse_view* code_mask) {
  forward_hidden(input, code_mask);
  const std::size_t last = layers_.size() - 1;
  outputs_[last] = layers_[last]->forward(input_of(last, input));
  // A one-layer network's output is its code.
  if (code_mask_ && last == code_layer()) outputs_[last] = mask_code(outputs_[last]);
  return outputs_.back();
}

const float* autoencoder::forward_rated(const sparse_view& input, const sparse_view& rated,
                                        const sparse_view* code_mask) {
  AEREC_ASSERT(computes_rated() && rated.rows == input.rows && rated.cols == items());
  const layer_input x = sparse_input(fed(input, code_mask));
  forward_hidden(x, code_mask);
  const std::size_t last = layers_.size() - 1;
  return layers_[last]->forward_at(input_of(last, x), rated);
}

void autoencoder::backward(const sparse_view& input, const_matrix_view d_output, float beta) {
  const layer_input x = sparse_input(global_ ? global_->last_input() : input);
  const const_matrix_view d_fed = backward_stack(x, d_output, beta);
  if (global_) backward_global(input, d_fed, beta);
}

void autoencoder::backward(const_matrix_view input, const_matrix_view d_output, float beta) {
  backward_stack(dense_input(input), d_output, beta);
}

const_matrix_view autoencoder::backward_stack(const layer_input& input, const_matrix_view d_output,
                                              float beta) {
  const std::size_t last = layers_.size() - 1;
  const_matrix_view grad = d_output;
  if (code_mask_ && last == code_layer()) grad = unmask_grad(grad);
  grad = layers_[last]->backward(input_of(last, input), grad, beta, last > 0 || global_);
  return backward_hidden(input, grad, beta);
}

void autoencoder::backward_rated(const sparse_view& input, const sparse_view& rated, const float* d_rated,
                                 float beta) {
  const layer_input x = sparse_input(global_ ? global_->last_input() : input);
  const std::size_t last = layers_.size() - 1;
  const const_matrix_view d_fed =
      backward_hidden(x, layers_[last]->backward_at(input_of(last, x), rated, d_rated, beta, true), beta);
  if (global_) backward_global(input, d_fed, beta);
}

const_matrix_view autoencoder::backward_hidden(const layer_input& input, const_matrix_view grad, float beta) {
  for (std::size_t i = layers_.size() - 1; i-- > 0;) {
    if (code_mask_ && i == code_layer()) grad = unmask_grad(grad);
    if (variational_ && i == code_layer()) grad = unsample_grad(grad);
    grad = layers_[i]->backward(input_of(i, input), add_penalties(i, grad), beta, i > 0 || global_);
  }
  if (penalties_.contractive > 0) add_contractive_weight_grad();
  return grad;
}

void autoencoder::backward_global(const sparse_view& input, const_matrix_view d_fed, float beta) {
  const const_matrix_view d_reconstruction = global_->backward(d_fed.data, beta);
  // The transformed pass replaced the reconstructing pass's activations: run
  // it again, and add its gradients to the transformed pass's. The kernel
  // penalty counted once, in the transformed pass.
  forward_stack(sparse_input(input), nullptr);
  set_own_penalties(0);
  backward_stack(sparse_input(input), d_reconstruction, 1);
  set_own_penalties(penalties_.local_kernel);
}

void autoencoder::add_global_kernel(const global_kernel_shape& shape) {
  if (variational_)
    throw error(error_code::invalid_argument, "a global kernel does not take a variational code");
  if (penalties_.activity.kind != activity_kind::none || penalties_.contractive > 0)
    throw error(error_code::invalid_argument, "a global kernel takes no penalty but the kernel penalty");
  global_ = std::make_unique<global_kernel>(backend_, shape, items());
}

void autoencoder::set_own_penalties(float weight) {
  for (auto& l : layers_) l->set_own_penalty(layer_kind(l->spec().kind).own_penalty ? weight : 0);
}

void autoencoder::set_penalties(const penalty_config& p) {
  std::vector<int> hidden;
  for (std::size_t i = 0; i + 1 < specs_.size(); ++i) hidden.push_back(specs_[i].outputs());
  // The hidden layers' activation is the first's: that is what the penalties depend on.
  validate(p, hidden, specs_.front().act);
  // The contractive penalty reads the first layer's weights, which a local-kernel layer does not use as they
  // are.
  if (p.contractive > 0 && specs_.front().kind != dense_kind_name)
    throw error(error_code::invalid_argument,
                "the contractive penalty needs a dense first layer, not a " + specs_.front().kind + " layer");
  const bool kernels = std::any_of(specs_.begin(), specs_.end(),
                                   [](const layer_spec& s) { return layer_kind(s.kind).own_penalty; });
  if (p.local_kernel > 0 && !kernels)
    throw error(error_code::invalid_argument, "a kernel penalty needs kernel layers (a kernel dimension)");
  if (global_ && (p.activity.kind != activity_kind::none || p.contractive > 0))
    throw error(error_code::invalid_argument, "a global kernel takes no penalty but the kernel penalty");
  set_own_penalties(p.local_kernel);
  penalties_ = p;
}

double autoencoder::penalty() {
  const const_matrix_view none{nullptr, 0, 0};
  penalty_ops& penalties = ops<penalty_ops>(backend_);
  double value = 0;
  for (const auto& l : layers_) value += l->own_penalty();
  if (penalties_.activity.kind != activity_kind::none)
    value += penalties.activity_penalty(penalties_.activity, activations(activity_layer()), none, nullptr);
  if (variational_ && kl_weight_ > 0)
    value +=
        ops<variational_ops>(backend_).gaussian_backward(raw_code_, nullptr, nullptr, kl_weight_, nullptr);
  if (penalties_.contractive > 0)
    value += penalties.contractive_penalty(specs_[0].act, penalties_.contractive, first_weights(),
                                           activations(0), none, nullptr, nullptr);
  return value;
}

std::size_t autoencoder::activity_layer() const {
  const int layer = penalties_.activity.layer;
  return layer < 0 ? code_layer() : static_cast<std::size_t>(layer);
}

const_matrix_view autoencoder::activations(std::size_t layer) const {
  return (code_mask_ || variational_) && layer == code_layer() ? raw_code_ : outputs_[layer];
}

void autoencoder::set_code_sample(const float* normal_draws, float kl_weight) {
  AEREC_ASSERT(variational_ || (!normal_draws && kl_weight == 0));
  code_draws_ = normal_draws;
  kl_weight_ = kl_weight;
}

const_matrix_view autoencoder::sample_code(const_matrix_view code) {
  sample_.reserve(backend_, static_cast<std::size_t>(code.rows) * static_cast<std::size_t>(code_size()));
  const matrix_view z{sample_.data(), code.rows, code_size()};
  ops<variational_ops>(backend_).gaussian_sample(code, code_draws_, z);
  return z;
}

const_matrix_view autoencoder::unsample_grad(const_matrix_view grad) {
  sample_grad_.reserve(backend_,
                       static_cast<std::size_t>(raw_code_.rows) * static_cast<std::size_t>(raw_code_.cols));
  ops<variational_ops>(backend_).gaussian_backward(raw_code_, code_draws_, grad.data, kl_weight_,
                                                   sample_grad_.data());
  return {sample_grad_.data(), raw_code_.rows, raw_code_.cols};
}

const_matrix_view autoencoder::add_penalties(std::size_t layer, const_matrix_view grad) {
  const bool activity = penalties_.activity.kind != activity_kind::none && layer == activity_layer();
  const bool contractive = penalties_.contractive > 0 && layer == 0;
  if (!activity && !contractive) return grad;
  penalty_grad_.reserve(backend_, static_cast<std::size_t>(grad.rows) * static_cast<std::size_t>(grad.cols));
  const matrix_view out{penalty_grad_.data(), grad.rows, grad.cols};
  const const_matrix_view h = activations(layer);
  if (activity) {
    ops<penalty_ops>(backend_).activity_penalty(penalties_.activity, h, grad, out.data);
    grad = out;
  }
  if (contractive) {
    ops<penalty_ops>(backend_).contractive_penalty(specs_[0].act, penalties_.contractive, first_weights(), h,
                                                   grad, out.data, nullptr);
    grad = out;
  }
  return grad;
}

void autoencoder::add_contractive_weight_grad() {
  const const_matrix_view none{nullptr, 0, 0};
  ops<penalty_ops>(backend_).contractive_penalty(specs_[0].act, penalties_.contractive, first_weights(),
                                                 activations(0), none, nullptr,
                                                 layers_[0]->parameters()[0].grad);
}

const_matrix_view autoencoder::first_weights() {
  // The first layer stores W (inputs x units) by input: see the constructor.
  const parameter w = layers_[0]->parameters()[0];
  return {w.value, specs_[0].inputs(), specs_[0].outputs()};
}

const_matrix_view autoencoder::mask_code(const_matrix_view code) {
  const sparse_view& mask = *code_mask_;
  AEREC_ASSERT(mask.rows == code.rows && mask.cols == code.cols);
  masked_values_.reserve(backend_, static_cast<std::size_t>(std::max(1, mask.nnz)));
  backend_.gather(code, mask, masked_values_.data());
  masked_code_ = mask;
  masked_code_.values = masked_values_.data();
  // The layer above takes the sparse masked code (input_of); a dense copy otherwise.
  return sparse_code() ? code : dense_copy(masked_code_);
}

const_matrix_view autoencoder::unmask_grad(const_matrix_view grad) {
  sparse_view d = *code_mask_;
  d.values = masked_values_.data();
  if (sparse_code()) {
    // grad holds dL/d(masked code) at the mask's entries (the layer above took it sparse).
    ops<elementwise_ops>(backend_).multiply({grad.data, 1, d.nnz}, {code_mask_->values, 1, d.nnz},
                                            {masked_values_.data(), 1, d.nnz});
  } else {
    backend_.gather(grad, *code_mask_, masked_values_.data());
  }
  return dense_copy(d);
}

const_matrix_view autoencoder::dense_copy(const sparse_view& x) {
  masked_dense_.reserve(backend_, static_cast<std::size_t>(x.rows) * static_cast<std::size_t>(x.cols));
  const matrix_view out{masked_dense_.data(), x.rows, x.cols};
  backend_.scatter(x, out);
  return out;
}

std::vector<parameter> autoencoder::parameters() {
  std::vector<parameter> all;
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    for (parameter p : layers_[i]->parameters()) {
      p.name = "layers." + std::to_string(i) + "." + p.name;
      all.push_back(std::move(p));
    }
  }
  if (global_) {
    parameter p = global_->weights();
    p.name = "global_kernel." + p.name;
    all.push_back(std::move(p));
  }
  return all;
}

std::size_t autoencoder::parameter_count() {
  std::size_t n = 0;
  for (const parameter& p : parameters()) n += p.size;
  return n;
}

void autoencoder::zero_gradients() {
  for (const parameter& p : parameters()) backend_.fill(p.grad, p.size, 0.0f);
}

void autoencoder::set_lazy_gradients(bool on) {
  for (const std::size_t i : {std::size_t{0}, layers_.size() - 1})
    if (specs_[i].kind != dense_kind_name)
      throw error(error_code::invalid_argument,
                  "lazy updates need dense first and last layers, not a " + specs_[i].kind + " layer");
  for (const auto& l : layers_) l->set_lazy_gradients(lazy_gradients::none);
  // The first layer's rows are the inputs; the last one's, the outputs
  // (unless it is the first too: one layer's outputs are all computed).
  if (!on) return;
  if (layers_.size() > 1) layers_.back()->set_lazy_gradients(lazy_gradients::output);
  layers_.front()->set_lazy_gradients(lazy_gradients::input);
}

std::vector<parameter_rows> autoencoder::lazy_rows(std::vector<std::int32_t> inputs,
                                                   std::vector<std::int32_t> rated) {
  // The first layer's weight is stored by input (its rows: the items) and
  // the last one's by output (its rows: the items again); a dense layer's
  // parameters are its weight, then its bias.
  std::vector<parameter_rows> lazy{
      {0, static_cast<std::size_t>(specs_.front().outputs()), std::move(inputs)}};
  if (rated.empty()) return lazy;
  AEREC_ASSERT(computes_rated());
  std::size_t last = 0;
  for (std::size_t i = 0; i + 1 < layers_.size(); ++i) last += layers_[i]->parameters().size();
  lazy.push_back({last, static_cast<std::size_t>(specs_.back().inputs()), rated});
  lazy.push_back({last + 1, 1, std::move(rated)});
  return lazy;
}

void autoencoder::prepare_for_serving(bool sparse_inputs) {
  for (std::size_t i = sparse_inputs ? 1 : 0; i < layers_.size(); ++i) layers_[i]->prepare_for_serving();
}

void autoencoder::forward_host(const sparse_batch& batch) {
  AEREC_ASSERT(batch.cols == items());
  predict_input_.assign(backend_, batch);
  forward(predict_input_.view());
}

std::vector<float> autoencoder::output_of(std::size_t layer, const sparse_batch& batch) {
  AEREC_ASSERT(layer < layers_.size());
  forward_host(batch);
  return host_copy(outputs_[layer]);
}

std::vector<float> autoencoder::output_of(std::size_t layer, std::span<const float> rows) {
  AEREC_ASSERT(rows.size() % static_cast<std::size_t>(items()) == 0 && layer < layers_.size());
  dense_input_.reserve(backend_, rows.size());
  dense_input_.upload(rows);
  const auto n = static_cast<int>(rows.size() / static_cast<std::size_t>(items()));
  forward(const_matrix_view(dense_input_.data(), n, items()));
  return host_copy(outputs_[layer]);
}

std::vector<float> autoencoder::host_copy(const_matrix_view out,
                                          std::optional<std::pair<float, float>> clip) {
  const std::size_t n = static_cast<std::size_t>(out.rows) * static_cast<std::size_t>(out.cols);
  // Copied (and clipped) as it is made where the host reads the memory: a megabyte for 64
  // users of ML-1M's width, not zeroed first.
  if (backend_.host_memory())
    return clip ? std::vector<float>(clipping{out.data, clip->first, clip->second},
                                     clipping{out.data + n, clip->first, clip->second})
                : std::vector<float>(out.data, out.data + n);
  std::vector<float> host(n);
  if (n > 0) backend_.to_host(host.data(), out.data, n * sizeof(float));
  if (clip)
    for (float& v : host) v = *clipping{&v, clip->first, clip->second};
  return host;
}

std::vector<float> autoencoder::predict(const sparse_batch& batch) {
  return output_of(layers_.size() - 1, batch);
}

std::vector<float> autoencoder::predict(const sparse_batch& batch, float low, float high) {
  forward_host(batch);
  return host_copy(outputs_.back(), std::pair(low, high));
}

std::vector<float> autoencoder::predict_at(const sparse_batch& batch, const sparse_batch& pattern) {
  AEREC_ASSERT(pattern.cols == items() && pattern.rows() == batch.rows());
  std::vector<float> out(static_cast<std::size_t>(pattern.nnz()));
  if (!computes_rated() || takes_whole_matrix()) {
    const std::vector<float> all = predict(batch);
    const auto width = static_cast<std::size_t>(items());
    for (int r = 0; r < pattern.rows(); ++r)
      for (int e = pattern.offsets[r]; e < pattern.offsets[r + 1]; ++e)
        out[static_cast<std::size_t>(e)] =
            all[static_cast<std::size_t>(r) * width + static_cast<std::size_t>(pattern.cols_index[e])];
    return out;
  }
  predict_input_.assign(backend_, batch);
  predict_pattern_.assign(backend_, pattern);
  const float* at = forward_rated(predict_input_.view(), predict_pattern_.view(), nullptr);
  if (!out.empty()) backend_.to_host(out.data(), at, out.size() * sizeof(float));
  return out;
}

std::size_t autoencoder::code_layer_of(const std::vector<layer_spec>& specs) {
  // A single-layer network has no hidden layer: its output is its code.
  const std::size_t hidden = specs.size() - 1;
  if (hidden % 2 == 1) return hidden / 2;
  std::size_t best = 0;
  for (std::size_t i = 1; i < hidden; ++i)
    if (specs[i].outputs() < specs[best].outputs()) best = i;
  return best;
}

std::vector<float> autoencoder::encode(const sparse_batch& batch) { return output_of(code_layer(), batch); }

std::vector<float> autoencoder::predict(std::span<const float> rows) {
  return output_of(layers_.size() - 1, rows);
}

std::vector<float> autoencoder::encode(std::span<const float> rows) { return output_of(code_layer(), rows); }

}  // namespace aerec
