// GLocal-K's global kernel inside an autoencoder: the input it makes against
// the formula computed here, gradients through both passes against central
// differences, model files and the whole-matrix rule.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>

#include "aerec/backend/cpu_backend.h"
#include "aerec/core/error.h"
#include "aerec/io/model_file.h"
#include "aerec/nn/autoencoder.h"
#include "aerec/nn/loss.h"
#include "aerec/nn/model.h"
#include "compact_weights.h"
#include "gradient_check.h"

using namespace aerec;

namespace {

constexpr int rows = 5, cols = 6, dim = 2;

// Small values keep central differences of the float32 loss accurate.
sparse_batch matrix() {
  sparse_batch x;
  x.cols = cols;
  x.append_row(std::vector<std::int32_t>{0, 2, 5}, std::vector<float>{0.5f, 0.3f, 0.1f});
  x.append_row(std::vector<std::int32_t>{1, 2}, std::vector<float>{0.2f, 0.4f});
  x.append_row(std::vector<std::int32_t>{}, std::vector<float>{});
  x.append_row(std::vector<std::int32_t>{3, 4, 5}, std::vector<float>{0.9f, 0.6f, 0.3f});
  x.append_row(std::vector<std::int32_t>{0, 4}, std::vector<float>{0.7f, 0.8f});
  return x;
}

std::vector<layer_spec> specs(const std::vector<int>& hidden) {
  return stacked_layers(cols, hidden, activation::sigmoid, activation::identity, false, dim);
}

// A network of kernel layers with points spread so that kernels vary, and a global kernel.
std::unique_ptr<autoencoder> glocal(backend& b, const std::vector<int>& hidden, std::uint64_t seed) {
  auto net = std::make_unique<autoencoder>(b, specs(hidden));
  rng random(seed);
  net->initialize(init_scheme::xavier, random);
  for (const parameter& p : net->parameters())
    if (p.name.find("points") != std::string::npos)
      for (std::size_t i = 0; i < p.size; ++i) p.value[i] = random.uniform(-0.5f, 0.5f);
  net->add_global_kernel({rows, 3, 0.5f});
  net->global()->initialize(random);
  // Larger weights than GLocal-K's start, so that the kernel and its gradient are far from 0.
  const parameter c = net->global()->weights();
  for (std::size_t i = 0; i < c.size; ++i) c.value[i] *= 20;
  return net;
}

}  // namespace

TEST_CASE("a global kernel feeds relu(convolve(R, s * pooled^T C)) to the layers", "[global_kernel]") {
  auto b = make_cpu_backend();
  const std::vector<int> hidden = {4};
  auto net = glocal(*b, hidden, 3);
  // The same layers without the global kernel.
  autoencoder plain(*b, specs(hidden));
  const auto from = net->parameters(), to = plain.parameters();
  for (std::size_t k = 0; k < to.size(); ++k)
    std::copy(from[k].value, from[k].value + from[k].size, to[k].value);

  const sparse_batch r = matrix();
  const std::vector<float> y = plain.predict(r);
  std::vector<double> pooled(rows, 0);
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < cols; ++j) pooled[i] += y[static_cast<std::size_t>(i * cols + j)] / cols;
  const float* c = net->global()->weights().value;
  std::vector<double> kernel(9, 0);
  for (int t = 0; t < 9; ++t)
    for (int i = 0; i < rows; ++i) kernel[t] += 0.5 * pooled[i] * c[i * 9 + t];
  std::vector<float> dense(rows * cols, 0);
  for (int i = 0; i < rows; ++i)
    for (int e = r.offsets[i]; e < r.offsets[i + 1]; ++e)
      dense[static_cast<std::size_t>(i * cols + r.cols_index[e])] = r.values[e];
  sparse_batch fed;
  fed.cols = cols;
  int zeros = 0;
  for (int i = 0; i < rows; ++i) {
    std::vector<std::int32_t> at;
    std::vector<float> values;
    for (int j = 0; j < cols; ++j) {
      double v = 0;
      for (int p = 0; p < 3; ++p)
        for (int q = 0; q < 3; ++q) {
          const int xi = i + p - 1, xj = j + q - 1;
          if (xi >= 0 && xi < rows && xj >= 0 && xj < cols)
            v += kernel[p * 3 + q] * dense[static_cast<std::size_t>(xi * cols + xj)];
        }
      zeros += v <= 0;
      at.push_back(j);
      values.push_back(static_cast<float>(std::max(0.0, v)));
    }
    fed.append_row(at, values);
  }
  INFO("entries the relu zeroes: " << zeros);
  const std::vector<float> expected = plain.predict(fed);
  const std::vector<float> got = net->predict(r);
  REQUIRE(got.size() == expected.size());
  for (std::size_t e = 0; e < got.size(); ++e) REQUIRE(got[e] == Approx(expected[e]).margin(1e-5));
  REQUIRE(got != y);  // the global kernel changes the predictions
}

TEST_CASE("gradients through the global kernel and both passes match central differences",
          "[global_kernel][gradient]") {
  auto b = make_cpu_backend();
  device_sparse x;
  x.assign(*b, matrix());
  for (const std::vector<int>& hidden : {std::vector<int>{4}, std::vector<int>{4, 3, 4}}) {
    CAPTURE(hidden.size());
    auto net = glocal(*b, hidden, 17);
    penalty_config p;
    p.local_kernel = 0.3f;
    net->set_penalties(p);
    masked_mse loss(*b, loss_normalization::rated_entries);
    std::vector<float> grad(x.view().nnz);
    const auto f = [&] {
      return loss.evaluate_rated(net->forward_rated(x.view(), x.view()), x.view(), grad.data()).loss +
             net->penalty();
    };
    f();
    net->backward_rated(x.view(), x.view(), grad.data(), 0);
    std::vector<std::vector<float>> analytic;
    for (const parameter& param : net->parameters())
      analytic.emplace_back(param.grad, param.grad + param.size);
    const auto params = net->parameters();
    REQUIRE(params.back().name == "global_kernel.weights");
    INFO("largest global-kernel gradient "
         << *std::max_element(analytic.back().begin(), analytic.back().end(),
                              [](float a, float c) { return std::abs(a) < std::abs(c); }));
    // The global kernel's own gradient is not vacuously zero.
    REQUIRE(std::any_of(analytic.back().begin(), analytic.back().end(),
                        [](float g) { return std::abs(g) > 1e-5f; }));
    for (std::size_t k = 0; k < params.size(); ++k) {
      // C's gradients are small; a wider step lowers the float32 noise floor enough to check them.
      const bool global = k + 1 == params.size();
      for (std::size_t i = 0; i < params[k].size; ++i)
        testing::require_close(analytic[k][i],
                               testing::central_difference(params[k].value[i], f, global ? 1e-2f : 1e-3f),
                               params[k].name + "[" + std::to_string(i) + "]", 2e-3, global ? 1e-5 : 1e-4);
    }
  }
}

TEST_CASE("a global-kernel model saves and loads exactly, and takes the whole matrix only",
          "[global_kernel][model_file]") {
  auto b = make_cpu_backend();
  const std::vector<int> hidden = {4};
  model m(glocal(*b, hidden, 5), id_map({1, 2, 3, 4, 5, 6}), {1, 5});
  const std::vector<float> before = m.network().predict(matrix());
  const std::string bytes = serialize_model(m);
  model loaded = deserialize_model(*b, bytes, "glocal model");
  REQUIRE(loaded.network().global());
  REQUIRE(loaded.network().global()->shape().rows == rows);
  REQUIRE(loaded.network().global()->shape().dot_scale == 0.5f);
  REQUIRE(loaded.network().predict(matrix()) == before);

  sparse_batch two_rows;
  two_rows.cols = cols;
  two_rows.append_row(std::vector<std::int32_t>{0}, std::vector<float>{1});
  two_rows.append_row(std::vector<std::int32_t>{1}, std::vector<float>{1});
  try {
    loaded.network().predict(two_rows);
    FAIL("predicted from part of the matrix");
  } catch (const error& e) {
    REQUIRE(e.code() == error_code::invalid_argument);
    REQUIRE_THAT(e.what(), Catch::Contains("whole rating matrix"));
  }
}

// The global kernel's weights (rows x taps) are a matrix that compact files hold like any other.
TEST_CASE("a global-kernel model loads from f16 and q8 files within their precision",
          "[global_kernel][model_file][weights]") {
  auto b = make_cpu_backend();
  const std::vector<int> hidden = {4};
  model m(glocal(*b, hidden, 5), id_map({1, 2, 3, 4, 5, 6}), {1, 5});
  const std::vector<float> before = m.network().predict(matrix());
  for (const weight_encoding e : {weight_encoding::f16, weight_encoding::q8}) {
    CAPTURE(weight_encoding_name(e));
    model loaded = deserialize_model(*b, serialize_model(m, e), "glocal model");
    REQUIRE(loaded.network().global());
    REQUIRE(testing::check_decoded(m, loaded, e) > 0);
    const std::vector<float> after = loaded.network().predict(matrix());
    for (std::size_t i = 0; i < after.size(); ++i) REQUIRE(std::fabs(after[i] - before[i]) < 0.05f);
  }
}

TEST_CASE("a global kernel refuses bad shapes and what it cannot take", "[global_kernel]") {
  auto b = make_cpu_backend();
  const std::vector<int> hidden = {4};
  autoencoder net(*b, specs(hidden));
  REQUIRE_THROWS_AS(net.add_global_kernel({rows, 4, 1}), error);
  REQUIRE_THROWS_AS(net.add_global_kernel({0, 3, 1}), error);
  REQUIRE_THROWS_AS(net.add_global_kernel({rows, 3, 0}), error);
  penalty_config p;
  p.activity.kind = activity_kind::l1;
  p.activity.weight = 0.1f;
  net.add_global_kernel({rows, 3, 1});
  REQUIRE_THROWS_AS(net.set_penalties(p), error);
  const std::vector<int> vae_hidden = {4, 2, 4};
  autoencoder vae(*b, stacked_layers(cols, vae_hidden, activation::tanh, activation::identity, true));
  REQUIRE_THROWS_AS(vae.add_global_kernel({rows, 3, 1}), error);
}
