#include "aerec/nn/global_kernel.h"

#include <cmath>

#include "aerec/backend/ops/elementwise_ops.h"
#include "aerec/backend/ops/glocal_ops.h"
#include "aerec/core/error.h"

namespace aerec {

namespace {
std::size_t count(int a, int b) { return static_cast<std::size_t>(a) * static_cast<std::size_t>(b); }
}  // namespace

std::string global_kernel_problem(const global_kernel_shape& shape) {
  if (shape.rows <= 0) return "a global kernel needs the rating matrix's rows";
  if (shape.size < 1 || shape.size > 15 || shape.size % 2 == 0)
    return "the global kernel's size must be odd, from 1 to 15";
  if (!std::isfinite(shape.dot_scale) || shape.dot_scale <= 0)
    return "the global kernel's dot scale must be a finite number > 0";
  return {};
}

global_kernel::global_kernel(backend& b, const global_kernel_shape& shape, int cols)
    : backend_(b), shape_(shape), cols_(cols) {
  if (const std::string problem = global_kernel_problem(shape); !problem.empty())
    throw error(error_code::invalid_argument, problem);
  const int taps = shape.size * shape.size;
  weights_ = device_array<float>(b, count(shape.rows, taps));
  weights_grad_ = device_array<float>(b, count(shape.rows, taps));
  b.fill(weights_.data(), weights_.capacity(), 0);
  b.fill(weights_grad_.data(), weights_grad_.capacity(), 0);
  ones_ = device_array<float>(b, count(cols, 1));
  b.fill(ones_.data(), ones_.capacity(), 1);
  pooled_ = device_array<float>(b, count(shape.rows, 1));
  d_pooled_ = device_array<float>(b, count(shape.rows, 1));
  kernel_ = device_array<float>(b, count(taps, 1));
  d_kernel_ = device_array<float>(b, count(taps, 1));
  for (device_array<float>* a : {&ratings_, &convolved_, &input_values_, &d_convolved_, &d_reconstruction_})
    *a = device_array<float>(b, count(shape.rows, cols));
  every_entry_.assign(b, every_entry(shape.rows, cols));
}

void global_kernel::initialize(rng& random) {
  std::vector<float> c(weights_.capacity());
  for (float& v : c) v = 0.1f * random.truncated_normal();
  weights_.upload(c);
}

parameter global_kernel::weights() {
  return {"weights", weights_.data(), weights_grad_.data(), weights_.capacity()};
}

const sparse_view& global_kernel::transform(const sparse_view& ratings, const_matrix_view reconstruction) {
  const int rows = shape_.rows, taps = shape_.size * shape_.size;
  if (ratings.rows != rows || ratings.cols != cols_ || reconstruction.rows != rows ||
      reconstruction.cols != cols_)
    throw error(error_code::invalid_argument,
                "a global-kernel model takes the whole rating matrix it was trained on (" +
                    std::to_string(rows) + " rows) at once, not " + std::to_string(ratings.rows));
  const float inv_cols = 1.0f / static_cast<float>(cols_);
  backend_.gemm(false, false, inv_cols, reconstruction, {ones_.data(), cols_, 1}, 0,
                matrix(pooled_, rows, 1));
  backend_.gemm(true, false, shape_.dot_scale, {pooled_.data(), rows, 1}, {weights_.data(), rows, taps}, 0,
                matrix(kernel_, 1, taps));
  backend_.scatter(ratings, matrix(ratings_, rows, cols_));
  ops<glocal_ops>(backend_).global_convolve(matrix(ratings_, rows, cols_), kernel_.data(), shape_.size,
                                            matrix(convolved_, rows, cols_));
  ops<elementwise_ops>(backend_).activation_forward(activation::relu, matrix(convolved_, rows, cols_),
                                                    matrix(input_values_, rows, cols_));
  input_ = every_entry_.view();
  input_.values = input_values_.data();
  return input_;
}

const_matrix_view global_kernel::backward(const float* d_input, float beta) {
  const int rows = shape_.rows, taps = shape_.size * shape_.size;
  ops<elementwise_ops>(backend_).activation_backward(
      activation::relu, matrix(convolved_, rows, cols_), matrix(input_values_, rows, cols_),
      {d_input, rows, cols_}, matrix(d_convolved_, rows, cols_));
  ops<glocal_ops>(backend_).global_convolve_kernel_grad(
      matrix(ratings_, rows, cols_), matrix(d_convolved_, rows, cols_), shape_.size, d_kernel_.data());
  // kernel = s * pooled^T C: dC = s * pooled dkernel, dpooled = s * C dkernel^T.
  backend_.gemm(false, false, shape_.dot_scale, {pooled_.data(), rows, 1}, {d_kernel_.data(), 1, taps}, beta,
                matrix(weights_grad_, rows, taps));
  backend_.gemm(false, true, shape_.dot_scale, {weights_.data(), rows, taps}, {d_kernel_.data(), 1, taps}, 0,
                matrix(d_pooled_, rows, 1));
  // pooled = Y 1 / cols: dY = dpooled 1^T / cols.
  const matrix_view d_reconstruction = matrix(d_reconstruction_, rows, cols_);
  backend_.gemm(false, false, 1.0f / static_cast<float>(cols_), {d_pooled_.data(), rows, 1},
                {ones_.data(), 1, cols_}, 0, d_reconstruction);
  return d_reconstruction;
}

}  // namespace aerec
