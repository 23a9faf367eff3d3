#include "nn/layers/dense_layer.h"

#include <algorithm>
#include <cmath>

#include "aerec/backend/ops/elementwise_ops.h"
#include "aerec/core/error.h"
#include "aerec/nn/layer_registry.h"

namespace aerec {

namespace {
std::size_t count(int a, int b) { return static_cast<std::size_t>(a) * static_cast<std::size_t>(b); }

std::vector<parameter_shape> dense_parameters(const layer_spec& s) {
  const auto in = static_cast<std::size_t>(s.inputs()), out = static_cast<std::size_t>(s.outputs());
  return {{"weight", in, out}, {"bias", 1, out}};
}
}  // namespace

layer_spec dense_spec(int inputs, int outputs, activation act) {
  return {std::string(dense_kind_name), shape::features(inputs), shape::features(outputs), act, {}};
}

const layer_kind_info dense_layer_kind = {
    dense_kind_name,
    "y = activation(x W + b): every input feeds every output",
    {},
    [](const layer_spec&) { return std::string(); },
    dense_parameters,
    [](backend& b, const layer_spec& spec, weight_layout layout) -> std::unique_ptr<layer> {
      return std::make_unique<dense_layer>(b, spec, layout);
    },
    [](const layer_spec&) { return std::string(); },
};

std::vector<float> transposed(std::span<const float> m, int rows, int cols) {
  AEREC_ASSERT(m.size() == count(rows, cols));
  std::vector<float> t(m.size());
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < cols; ++j)
      t[count(j, rows) + static_cast<std::size_t>(i)] = m[count(i, cols) + static_cast<std::size_t>(j)];
  return t;
}

dense_layer::dense_layer(backend& b, const layer_spec& spec, weight_layout layout)
    : backend_(b),
      spec_(spec),
      layout_(layout),
      weight_(b, count(spec.inputs(), spec.outputs())),
      bias_(b, count(1, spec.outputs())),
      weight_grad_(b, count(spec.inputs(), spec.outputs())),
      bias_grad_(b, count(1, spec.outputs())) {
  AEREC_ASSERT(spec.inputs() > 0 && spec.outputs() > 0);
  for (const parameter& p : parameters()) {
    b.fill(p.value, p.size, 0);
    b.fill(p.grad, p.size, 0);
  }
}

void dense_layer::initialize(init_scheme scheme, rng& random) {
  initial_values v =
      draw_initial_values(scheme, static_cast<float>(spec_.inputs()), static_cast<float>(spec_.outputs()),
                          weight_.capacity(), bias_.capacity(), random);
  // The same draws in either layout: W's elements in row-major order.
  if (by_output()) v.weights = transposed(v.weights, spec_.inputs(), spec_.outputs());
  weight_.upload(v.weights);
  bias_.upload(v.biases);
}

void dense_layer::reserve(int rows) {
  rows_ = rows;
  const std::size_t out = count(rows, spec_.outputs());
  z_.reserve(backend_, out);
  y_.reserve(backend_, out);
  dz_.reserve(backend_, out);
}

matrix_view dense_layer::stored(device_array<float>& a) {
  return by_output() ? matrix_view{a.data(), spec_.outputs(), spec_.inputs()}
                     : matrix_view{a.data(), spec_.inputs(), spec_.outputs()};
}

const_matrix_view dense_layer::forward(const layer_input& x) {
  reserve(x.rows());
  const matrix_view z = batch_matrix(z_, rows_, spec_.outputs());
  if (x.sparse) {
    // A sparse input selects rows of W, so it needs W stored by input.
    AEREC_ASSERT(!by_output());
    backend_.sparse_dense(*x.sparse, stored(weight_), 0, z);
  } else if (prepared_) {
    prepared_->multiply(x.dense, bias_.data(), z);  // the bias too: no pass of its own
  } else {
    backend_.gemm(false, by_output(), 1, x.dense, stored(weight_), 0, z);
  }
  if (x.sparse || !prepared_) ops<elementwise_ops>(backend_).add_row_vector(z, bias_.data());
  // An identity layer's outputs are its pre-activations: no pass to copy them (nor, in backward, the
  // gradient).
  if (spec_.act == activation::identity) return z;
  const matrix_view y = batch_matrix(y_, rows_, spec_.outputs());
  ops<elementwise_ops>(backend_).activation_forward(spec_.act, z, y);
  return y;
}

void dense_layer::prepare_for_serving() {
  prepared_ = backend_.prepare_product(by_output(), stored(weight_));
}

const_matrix_view dense_layer::backward(const layer_input& x, const_matrix_view d_output, float beta,
                                        bool want_input_grad) {
  AEREC_ASSERT(d_output.rows == rows_ && d_output.cols == spec_.outputs());
  const const_matrix_view dz = pre_activation_grad(d_output);
  if (x.sparse)
    sparse_gradient(*x.sparse, dz, beta, stored(weight_grad_), lazy_gradients::input);
  else if (by_output())
    backend_.gemm(true, false, 1, dz, x.dense, beta, stored(weight_grad_));  // dW^T = dZ^T X
  else
    backend_.gemm(true, false, 1, x.dense, dz, beta, stored(weight_grad_));  // dW = X^T dZ
  ops<elementwise_ops>(backend_).column_sums(dz, beta, bias_grad_.data());
  if (!want_input_grad) return {nullptr, 0, 0};
  if (x.sparse) {
    // Only at the input's entries: dX(r, j) = dZ row r . W row j.
    dx_.reserve(backend_, static_cast<std::size_t>(std::max(1, x.sparse->nnz)));
    backend_.sampled_product(dz, stored(weight_), *x.sparse, nullptr, dx_.data());
    return {dx_.data(), 1, x.sparse->nnz};
  }
  return input_grad(dz);
}

const_matrix_view dense_layer::pre_activation_grad(const_matrix_view d_output) {
  if (spec_.act == activation::identity) return d_output;
  const matrix_view dz = batch_matrix(dz_, rows_, spec_.outputs());
  ops<elementwise_ops>(backend_).activation_backward(spec_.act, batch_matrix(z_, rows_, spec_.outputs()),
                                                     batch_matrix(y_, rows_, spec_.outputs()), d_output, dz);
  return dz;
}

const_matrix_view dense_layer::input_grad(const_matrix_view dz) {
  dx_.reserve(backend_, count(rows_, spec_.inputs()));
  const matrix_view dx = batch_matrix(dx_, rows_, spec_.inputs());
  backend_.gemm(false, !by_output(), 1, dz, stored(weight_), 0, dx);
  return dx;
}

const float* dense_layer::forward_at(const layer_input& x, const sparse_view& pattern) {
  AEREC_ASSERT(by_output() && !x.sparse && pattern.rows == x.rows() && pattern.cols == spec_.outputs());
  rows_ = x.rows();
  const auto nnz = static_cast<std::size_t>(pattern.nnz);
  z_.reserve(backend_, nnz);
  y_.reserve(backend_, nnz);
  backend_.sampled_product(x.dense, stored(weight_), pattern, bias_.data(), z_.data());
  ops<elementwise_ops>(backend_).activation_forward(spec_.act, batch_matrix(z_, 1, pattern.nnz),
                                                    batch_matrix(y_, 1, pattern.nnz));
  return y_.data();
}

const_matrix_view dense_layer::backward_at(const layer_input& x, const sparse_view& pattern,
                                           const float* d_values, float beta, bool want_input_grad) {
  AEREC_ASSERT(by_output() && !x.sparse && pattern.rows == rows_);
  dz_.reserve(backend_, static_cast<std::size_t>(pattern.nnz));
  const matrix_view dz_values = batch_matrix(dz_, 1, pattern.nnz);
  ops<elementwise_ops>(backend_).activation_backward(spec_.act, batch_matrix(z_, 1, pattern.nnz),
                                                     batch_matrix(y_, 1, pattern.nnz),
                                                     {d_values, 1, pattern.nnz}, dz_values);
  sparse_view dz = pattern;  // dL/dz at the pattern's entries, 0 elsewhere
  dz.values = dz_.data();
  sparse_gradient(dz, x.dense, beta, stored(weight_grad_), lazy_gradients::output);  // dW^T = dZ^T X
  if (ones_.capacity() < static_cast<std::size_t>(rows_)) {
    ones_.reserve(backend_, static_cast<std::size_t>(rows_));
    backend_.fill(ones_.data(), ones_.capacity(), 1);
  }
  // The bias gradient sums each column of dZ: dZ^T times a column of ones.
  sparse_gradient(dz, {ones_.data(), rows_, 1}, beta, {bias_grad_.data(), spec_.outputs(), 1},
                  lazy_gradients::output);
  if (!want_input_grad) return {nullptr, 0, 0};
  dx_.reserve(backend_, count(rows_, spec_.inputs()));
  const matrix_view dx = batch_matrix(dx_, rows_, spec_.inputs());
  backend_.sparse_dense(dz, stored(weight_), 0, dx);  // dX = dZ W^T
  return dx;
}

void dense_layer::sparse_gradient(const sparse_view& x, const_matrix_view d, float beta, matrix_view g,
                                  lazy_gradients rows) {
  if (lazy_ == rows && beta == 0)
    backend_.sparse_t_dense_rows(x, d, g);
  else
    backend_.sparse_t_dense(x, d, beta, g);
}

std::vector<parameter> dense_layer::parameters() {
  return {{"weight", weight_.data(), weight_grad_.data(), weight_.capacity(), by_output(), spec_.inputs(),
           spec_.outputs()},
          {"bias", bias_.data(), bias_grad_.data(), bias_.capacity()}};
}

}  // namespace aerec
