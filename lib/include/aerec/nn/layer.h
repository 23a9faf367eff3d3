#pragma once
// Layers of an autoencoder. Each layer keeps its parameters, their gradients
// and its forward results in backend memory.
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "aerec/backend/backend.h"
#include "aerec/core/rng.h"
#include "aerec/core/shape.h"
#include "aerec/nn/activation.h"

namespace aerec {

// A layer's kind and shape: what a model file stores besides the weights.
// The kind names an entry of the layer registry (layer_registry.h), which
// knows its settings, parameters and how to make it.
struct layer_spec {
  std::string kind;
  shape input, output;
  activation act = activation::identity;
  // The kind's own settings by name (a local-kernel layer's "kernel_dim"),
  // each an integer field of the layer's record in a model file.
  std::map<std::string, std::int64_t, std::less<>> attributes;

  // Floats per example in and out.
  int inputs() const { return input.size(); }
  int outputs() const { return output.size(); }
  // The attribute `name`, which the kind declares (layer_problem checks it is there).
  std::int64_t attribute(std::string_view name) const;
  bool operator==(const layer_spec&) const = default;
};

// PyTorch's nn.Linear default (weights and biases uniform in +-1/sqrt(fan_in)),
// or Xavier/Glorot uniform weights (gain 1) with zero biases.
enum class init_scheme { pytorch, xavier };
const char* init_scheme_name(init_scheme s);
init_scheme parse_init_scheme(const std::string& name);

// A layer's first weights and biases, drawn in that order: PyTorch's default
// (both uniform in +-1/sqrt(fan_in)) or Glorot uniform (weights in
// +-sqrt(6 / (fan_in + fan_out)), biases 0), the fans as PyTorch counts them.
struct initial_values {
  std::vector<float> weights, biases;
};
initial_values draw_initial_values(init_scheme scheme, float fan_in, float fan_out, std::size_t weights,
                                   std::size_t biases, rng& random);

// How a dense layer stores its inputs x outputs weight matrix W. by_input
// keeps W (a row per input: a sparse input row selects rows of W); by_output
// keeps W^T (a row per output, as nn.Linear does: an output needed only at
// some entries is one dot product with a row).
enum class weight_layout { by_input, by_output };

// The transpose of a row-major rows x cols matrix (a by_output weight to W
// and back, on the host).
std::vector<float> transposed(std::span<const float> m, int rows, int cols);

// A trainable array: its value and gradient, each `size` floats in backend memory.
struct parameter {
  std::string name;
  float* value;
  float* grad;
  std::size_t size;
  // Set for a weight stored as W^T: W is `rows` x `cols` (inputs x outputs).
  // Model files always hold W, so they transpose this one on the way.
  bool transposed = false;
  int rows = 0;
  int cols = 0;
};

// Which rows of a layer's gradients a lazy step reads (layer::set_lazy_gradients).
enum class lazy_gradients { none, input, output };

// Rows of a parameter that a lazy step updates (train_config::lazy_updates):
// its index among a model's parameters, stored as rows of `row_length`
// elements, and the rows, ascending.
struct parameter_rows {
  std::size_t parameter;
  std::size_t row_length;
  std::vector<std::int32_t> rows;
};

// A layer's input: a sparse batch (the ratings, for the first layer) or the
// dense output of the layer below.
struct layer_input {
  const sparse_view* sparse = nullptr;
  const_matrix_view dense{nullptr, 0, 0};
  int rows() const { return sparse ? sparse->rows : dense.rows; }
};

class layer {
 public:
  virtual ~layer() = default;
  virtual layer_spec spec() const = 0;
  virtual void initialize(init_scheme scheme, rng& random) = 0;
  // Computes and keeps the output for a batch.
  virtual const_matrix_view forward(const layer_input& x) = 0;
  // Given dL/d(output) for the last forward batch, sets each parameter's
  // gradient to beta * gradient + dL/d(parameter) (beta 0 overwrites, 1
  // accumulates) and, when want_input_grad, returns dL/d(input): for a sparse
  // input, only at its entries (1 x nnz, in their order).
  virtual const_matrix_view backward(const layer_input& x, const_matrix_view d_output, float beta,
                                     bool want_input_grad) = 0;
  virtual std::vector<parameter> parameters() = 0;

  // A penalty on the layer's own parameters, which backward() differentiates
  // too, for kinds that have one (layer_kind_info::own_penalty): a local-kernel
  // layer's weight / 2 * sum of its kernel's squared values (GLocal-K's
  // lambda_s). Other layers refuse a nonzero weight.
  virtual void set_own_penalty(float weight);
  // Its value at the last forward.
  virtual double own_penalty() const { return 0; }

  // The output only at `pattern`'s entries (pattern.rows x outputs), one value
  // per entry in its order: all a loss over the rated outputs needs, at a
  // fraction of the cost. For layers stored by_output; kept for backward_at.
  virtual const float* forward_at(const layer_input& x, const sparse_view& pattern) = 0;
  // backward() for forward_at, given dL/d(value) for each pattern entry.
  virtual const_matrix_view backward_at(const layer_input& x, const sparse_view& pattern,
                                        const float* d_values, float beta, bool want_input_grad) = 0;

  // Lazy updates (train_config::lazy_updates): with `input`, backward with a
  // sparse input and beta 0 then sets the weight gradient only at the rows of
  // the input's columns; with `output`, backward_at with beta 0 sets the
  // weight's and bias' only at the pattern's columns. The other rows keep
  // stale values, which the optimizer skips. A layer without such rows ignores it.
  virtual void set_lazy_gradients(lazy_gradients /*rows*/) {}

  // For serving: the parameters no longer change (the model was loaded to
  // predict), so the layer may keep its weights prepared for the backend's
  // products (backend::prepare_product). Changing them afterwards is an error
  // that nothing detects. A layer with nothing to prepare ignores it.
  virtual void prepare_for_serving() {}
};

}  // namespace aerec
