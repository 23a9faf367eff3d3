#include "dense_layer.h"

#include <cmath>

#include "aerec/error.h"

namespace aerec {

namespace {
std::size_t count(int a, int b) { return static_cast<std::size_t>(a) * static_cast<std::size_t>(b); }
}  // namespace

dense_layer::dense_layer(backend& b, const layer_spec& spec)
    : backend_(b), spec_(spec),
      weight_(b, count(spec.inputs, spec.outputs)), bias_(b, count(1, spec.outputs)),
      weight_grad_(b, count(spec.inputs, spec.outputs)), bias_grad_(b, count(1, spec.outputs)) {
  AEREC_ASSERT(spec.inputs > 0 && spec.outputs > 0);
  for (const parameter& p : parameters()) {
    b.fill(p.value, p.size, 0);
    b.fill(p.grad, p.size, 0);
  }
}

void dense_layer::initialize(init_scheme scheme, rng& random) {
  const float fan_in = static_cast<float>(spec_.inputs);
  const float fan_out = static_cast<float>(spec_.outputs);
  const float weight_bound = scheme == init_scheme::pytorch
                                 ? 1.0f / std::sqrt(fan_in)
                                 : std::sqrt(6.0f / (fan_in + fan_out));
  const float bias_bound = scheme == init_scheme::pytorch ? 1.0f / std::sqrt(fan_in) : 0.0f;
  std::vector<float> w(weight_.capacity()), b(bias_.capacity());
  for (float& v : w) v = random.uniform(-weight_bound, weight_bound);
  for (float& v : b) v = bias_bound == 0 ? 0.0f : random.uniform(-bias_bound, bias_bound);
  weight_.upload(w);
  bias_.upload(b);
}

void dense_layer::reserve(int rows) {
  rows_ = rows;
  const std::size_t out = count(rows, spec_.outputs);
  z_.reserve(backend_, out);
  y_.reserve(backend_, out);
  dz_.reserve(backend_, out);
}

const_matrix_view dense_layer::forward(const layer_input& x) {
  reserve(x.rows());
  const const_matrix_view w(weight_.data(), spec_.inputs, spec_.outputs);
  const matrix_view z = batch_matrix(z_, rows_, spec_.outputs);
  if (x.sparse)
    backend_.sparse_dense(*x.sparse, w, 0, z);
  else
    backend_.gemm(false, false, 1, x.dense, w, 0, z);
  backend_.add_row_vector(z, bias_.data());
  const matrix_view y = batch_matrix(y_, rows_, spec_.outputs);
  backend_.activation_forward(spec_.act, z, y);
  return y;
}

const_matrix_view dense_layer::backward(const layer_input& x, const_matrix_view d_output,
                                        float beta, bool want_input_grad) {
  AEREC_ASSERT(d_output.rows == rows_ && d_output.cols == spec_.outputs);
  const matrix_view dz = batch_matrix(dz_, rows_, spec_.outputs);
  backend_.activation_backward(spec_.act, batch_matrix(z_, rows_, spec_.outputs),
                               batch_matrix(y_, rows_, spec_.outputs), d_output, dz);
  const matrix_view dw{weight_grad_.data(), spec_.inputs, spec_.outputs};
  if (x.sparse)
    backend_.sparse_t_dense(*x.sparse, dz, beta, dw);
  else
    backend_.gemm(true, false, 1, x.dense, dz, beta, dw);
  backend_.column_sums(dz, beta, bias_grad_.data());
  if (!want_input_grad) return {nullptr, 0, 0};
  dx_.reserve(backend_, count(rows_, spec_.inputs));
  const matrix_view dx = batch_matrix(dx_, rows_, spec_.inputs);
  backend_.gemm(false, true, 1, dz, {weight_.data(), spec_.inputs, spec_.outputs}, 0, dx);
  return dx;
}

std::vector<parameter> dense_layer::parameters() {
  return {{"weight", weight_.data(), weight_grad_.data(), weight_.capacity()},
          {"bias", bias_.data(), bias_grad_.data(), bias_.capacity()}};
}

}  // namespace aerec
