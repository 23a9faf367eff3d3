// The whole autoencoder: backpropagation through every layer and the loss
// against central differences, and the construction rules.
#include <catch2/catch.hpp>
#include <cmath>
#include <memory>

#include "aerec/backend/cpu_backend.h"
#include "aerec/backend/device_array.h"
#include "aerec/core/error.h"
#include "aerec/data/sparse_batch.h"
#include "aerec/nn/autoencoder.h"
#include "aerec/nn/layers/dense.h"
#include "aerec/nn/loss.h"
#include "gradient_check.h"

using namespace aerec;

namespace {

// Values below 1 keep central differences of the float32 loss accurate (the
// second-order error grows with the input scale); the math does not depend on it.
sparse_batch users() {
  sparse_batch x;
  x.cols = 8;
  x.append_row(std::vector<std::int32_t>{0, 2, 5}, std::vector<float>{0.5f, 0.3f, 0.1f});
  x.append_row(std::vector<std::int32_t>{1, 2, 7}, std::vector<float>{0.2f, 0.4f, 0.9f});
  return x;
}

// A dropout mask as the trainer makes one: the units each row keeps (the
// nonzeros of `dense`, rows x cols), valued by their scale.
sparse_batch mask_of(const std::vector<float>& dense, int rows, int cols) {
  sparse_batch mask;
  mask.cols = cols;
  for (int r = 0; r < rows; ++r) {
    std::vector<std::int32_t> kept;
    std::vector<float> values;
    for (int j = 0; j < cols; ++j)
      if (const float m = dense[static_cast<std::size_t>(r * cols + j)]; m != 0) {
        kept.push_back(j);
        values.push_back(m);
      }
    mask.append_row(kept, values);
  }
  return mask;
}

}  // namespace

TEST_CASE("autoencoder gradients match central differences", "[autoencoder][gradient]") {
  auto b = make_cpu_backend();
  device_sparse x;
  x.assign(*b, users());
  for (const activation act : {activation::sigmoid, activation::tanh, activation::selu, activation::elu}) {
    for (const loss_normalization n : {loss_normalization::all_entries, loss_normalization::rated_entries}) {
      const std::vector<int> hidden = {5, 3, 5};
      autoencoder net(*b, stacked_layers(8, hidden, act, activation::identity));
      rng random(19);
      net.initialize(init_scheme::pytorch, random);
      masked_mse loss(*b, n);
      std::vector<float> grad(2 * 8);
      const auto f = [&] { return loss.evaluate(net.forward(x.view()), x.view(), {grad.data(), 2, 8}).loss; };
      f();
      net.backward(x.view(), {grad.data(), 2, 8}, 0);
      std::vector<std::vector<float>> analytic;
      for (const parameter& p : net.parameters()) analytic.emplace_back(p.grad, p.grad + p.size);
      const auto params = net.parameters();
      for (std::size_t k = 0; k < params.size(); ++k) {
        for (std::size_t i = 0; i < params[k].size; ++i) {
          const double numeric = testing::central_difference(params[k].value[i], f, 1e-2f);
          testing::require_close(analytic[k][i], numeric,
                                 std::string(activation_name(act)) + "/" + loss_normalization_name(n) + " " +
                                     params[k].name + "[" + std::to_string(i) + "]");
        }
      }
    }
  }
}

TEST_CASE("gradients through a dropout mask on the code match central differences",
          "[autoencoder][gradient]") {
  auto b = make_cpu_backend();
  device_sparse x;
  x.assign(*b, users());
  // The code (3 units) feeds a hidden layer, which takes it sparse, or the
  // output layer, which takes it dense.
  for (const std::vector<int>& hidden : {std::vector<int>{5, 3, 5}, std::vector<int>{5, 3}}) {
    CAPTURE(hidden.size());
    autoencoder net(*b, stacked_layers(8, hidden, activation::selu, activation::identity));
    rng random(23);
    net.initialize(init_scheme::pytorch, random);
    REQUIRE(net.code_layer() == 1);
    // Two users x three code units: dropped (0) or kept and scaled by 1 / (1 - 0.5).
    device_sparse mask;
    mask.assign(*b, mask_of({2, 0, 2, 0, 2, 2}, 2, 3));
    const sparse_view mask_view = mask.view();
    masked_mse loss(*b, loss_normalization::rated_entries);
    std::vector<float> grad(2 * 8);
    const auto f = [&] {
      return loss.evaluate(net.forward(x.view(), &mask_view), x.view(), {grad.data(), 2, 8}).loss;
    };
    const double masked_loss = f();
    net.backward(x.view(), {grad.data(), 2, 8}, 0);
    std::vector<std::vector<float>> analytic;
    for (const parameter& p : net.parameters()) analytic.emplace_back(p.grad, p.grad + p.size);
    const auto params = net.parameters();
    for (std::size_t k = 0; k < params.size(); ++k)
      for (std::size_t i = 0; i < params[k].size; ++i)
        testing::require_close(analytic[k][i], testing::central_difference(params[k].value[i], f, 1e-2f),
                               params[k].name + "[" + std::to_string(i) + "]");
    // The mask really acts, and prediction never applies it.
    REQUIRE(loss.evaluate(net.forward(x.view()), x.view(), {grad.data(), 2, 8}).loss != masked_loss);
  }
}

TEST_CASE("stacked_layers builds items -> hidden -> items", "[autoencoder]") {
  const std::vector<int> hidden = {20, 10, 20};
  const auto specs = stacked_layers(1682, hidden, activation::sigmoid, activation::identity);
  REQUIRE(specs.size() == 4);
  REQUIRE(specs[0].inputs() == 1682);
  REQUIRE(specs[1].inputs() == 20);
  REQUIRE(specs[1].outputs() == 10);
  REQUIRE(specs[3].outputs() == 1682);
  REQUIRE(specs[2].act == activation::sigmoid);
  REQUIRE(specs[3].act == activation::identity);
  auto b = make_cpu_backend();
  autoencoder net(*b, specs);
  // The seed's network: (1682*20+20) + (20*10+10) + (10*20+20) + (20*1682+1682) parameters.
  REQUIRE(net.parameter_count() == 69412);
  // The bottleneck is the code: layer 1, 10 wide.
  REQUIRE(net.code_layer() == 1);
  REQUIRE(net.code_size() == 10);
}

TEST_CASE("the code is the middle hidden layer of an odd number, else the narrowest", "[autoencoder]") {
  auto b = make_cpu_backend();
  const auto code_of = [&](std::vector<int> hidden) {
    return autoencoder(*b, stacked_layers(30, hidden, activation::selu, activation::identity)).code_layer();
  };
  CHECK(code_of({16, 16, 24, 16, 16}) == 2);  // DeepRecommender's shape: the wide middle
  CHECK(code_of({8}) == 0);
  CHECK(code_of({12, 4, 8, 6}) == 1);
  CHECK(code_of({6, 6}) == 0);
  CHECK(code_of({}) == 0);
}

TEST_CASE("layers that do not chain are rejected", "[autoencoder]") {
  auto b = make_cpu_backend();
  const std::vector<layer_spec> broken = {dense_spec(6, 4, activation::sigmoid),
                                          dense_spec(3, 6, activation::identity)};
  REQUIRE_THROWS_AS(autoencoder(*b, broken), error);
  const std::vector<layer_spec> not_square = {dense_spec(6, 4, activation::sigmoid),
                                              dense_spec(4, 5, activation::identity)};
  REQUIRE_THROWS_AS(autoencoder(*b, not_square), error);
  REQUIRE_THROWS_AS(stacked_layers(6, std::vector<int>{4, 0}, activation::sigmoid, activation::identity),
                    error);
}

TEST_CASE("a loss over the rated outputs alone gives the full outputs' loss and gradients",
          "[autoencoder][gradient]") {
  auto b = make_cpu_backend();
  device_sparse x, corrupted;
  x.assign(*b, users());
  // A denoising input: one of each user's ratings hidden; the loss still scores all of them.
  sparse_batch hidden_one;
  hidden_one.cols = 8;
  hidden_one.append_row(std::vector<std::int32_t>{0, 5}, std::vector<float>{0.5f, 0.1f});
  hidden_one.append_row(std::vector<std::int32_t>{2, 7}, std::vector<float>{0.4f, 0.9f});
  corrupted.assign(*b, hidden_one);
  const std::vector<int> hidden = {5, 3, 5};
  autoencoder net(*b, stacked_layers(8, hidden, activation::sigmoid, activation::selu));
  REQUIRE(net.computes_rated());
  rng random(23);
  net.initialize(init_scheme::pytorch, random);
  std::vector<float> mask_values = testing::random_vector(random, 2 * 3, 0, 2);
  mask_values[1] = mask_values[3] = 0;
  device_sparse mask_host;
  mask_host.assign(*b, mask_of(mask_values, 2, 3));
  const sparse_view mask_view = mask_host.view();
  const sparse_view* mask = &mask_view;
  for (const device_sparse* input : {&x, &corrupted})
    for (const loss_normalization n : {loss_normalization::all_entries, loss_normalization::rated_entries}) {
      CAPTURE(input == &x, loss_normalization_name(n));
      masked_mse loss(*b, n);
      std::vector<float> grad(2 * 8);
      const double full = loss.evaluate(net.forward(input->view(), mask), x.view(), {grad.data(), 2, 8}).loss;
      net.backward(input->view(), {grad.data(), 2, 8}, 0);
      std::vector<std::vector<float>> expected;
      for (const parameter& p : net.parameters()) expected.emplace_back(p.grad, p.grad + p.size);

      std::vector<float> rated_grad(static_cast<std::size_t>(x.view().nnz));
      const double rated =
          loss.evaluate_rated(net.forward_rated(input->view(), x.view(), mask), x.view(), rated_grad.data())
              .loss;
      REQUIRE(rated == Approx(full).epsilon(1e-6));
      net.backward_rated(input->view(), x.view(), rated_grad.data(), 0);
      const auto params = net.parameters();
      for (std::size_t k = 0; k < params.size(); ++k)
        for (std::size_t i = 0; i < params[k].size; ++i) {
          INFO(params[k].name << "[" << i << "]");
          REQUIRE(params[k].grad[i] == Approx(expected[k][i]).epsilon(1e-5).margin(1e-7));
        }
    }
}

TEST_CASE("a one-layer autoencoder has no rated-only path and trains on full outputs", "[autoencoder]") {
  auto b = make_cpu_backend();
  autoencoder net(*b, stacked_layers(8, {}, activation::identity, activation::sigmoid));
  CHECK_FALSE(net.computes_rated());
  CHECK_FALSE(net.parameters()[0].transposed);
}

namespace {

// Every parameter's gradient of loss + penalty, from backward() (full
// outputs) and from backward_rated(), against central differences.
void check_penalized_gradients(autoencoder& net, const sparse_view& x, const sparse_view* mask,
                               const std::string& what) {
  auto& b = net.device();
  masked_mse loss(b, loss_normalization::rated_entries);
  std::vector<float> grad(static_cast<std::size_t>(x.rows * x.cols));
  const auto f = [&] {
    const double l = loss.evaluate(net.forward(x, mask), x, {grad.data(), x.rows, x.cols}).loss;
    return l + net.penalty();
  };
  REQUIRE(f() > loss.evaluate(net.forward(x, mask), x, {grad.data(), x.rows, x.cols}).loss);
  std::vector<std::vector<float>> analytic;
  for (const bool rated : {false, true}) {
    CAPTURE(what, rated);
    f();
    if (rated) {
      std::vector<float> d_rated(static_cast<std::size_t>(x.nnz));
      loss.evaluate_rated(net.forward_rated(x, x, mask), x, d_rated.data());
      net.backward_rated(x, x, d_rated.data(), 0);
    } else {
      net.backward(x, {grad.data(), x.rows, x.cols}, 0);
    }
    const auto params = net.parameters();
    for (const parameter& p : params) {
      for (std::size_t i = 0; i < p.size; ++i) {
        const float g = p.grad[i];
        testing::require_close(g, testing::central_difference(p.value[i], f, 1e-2f),
                               what + " " + p.name + "[" + std::to_string(i) + "]");
      }
    }
  }
}

}  // namespace

TEST_CASE("activity and contractive penalties' gradients match central differences",
          "[autoencoder][gradient][penalty]") {
  auto b = make_cpu_backend();
  device_sparse x;
  x.assign(*b, users());
  struct variant {
    std::string name;
    activation act;
    penalty_config penalties;
  };
  penalty_config l1_code, l1_first, kl_code, kl_first, cae_sigmoid, cae_tanh, both;
  l1_code.activity = {activity_kind::l1, 0.3f, 0.05f, -1};
  l1_first.activity = {activity_kind::l1, 0.3f, 0.05f, 0};
  kl_code.activity = {activity_kind::kl, 0.2f, 0.1f, -1};
  kl_first.activity = {activity_kind::kl, 0.2f, 0.3f, 0};
  cae_sigmoid.contractive = 0.5f;
  cae_tanh.contractive = 0.5f;
  both.activity = {activity_kind::l1, 0.3f, 0.05f, 0};
  both.contractive = 0.5f;
  const std::vector<variant> variants = {{"l1 on the code", activation::sigmoid, l1_code},
                                         {"l1 on layer 0", activation::tanh, l1_first},
                                         {"kl on the code", activation::sigmoid, kl_code},
                                         {"kl on layer 0", activation::sigmoid, kl_first},
                                         {"contractive, sigmoid", activation::sigmoid, cae_sigmoid},
                                         {"contractive, tanh", activation::tanh, cae_tanh},
                                         {"l1 and contractive", activation::tanh, both}};
  for (const variant& v : variants) {
    for (const bool masked : {false, true}) {
      const std::vector<int> hidden = {5, 3, 5};
      autoencoder net(*b, stacked_layers(8, hidden, v.act, activation::identity));
      rng random(29);
      net.initialize(init_scheme::pytorch, random);
      net.set_penalties(v.penalties);
      device_sparse mask;
      mask.assign(*b, mask_of({2, 0, 2, 0, 2, 2}, 2, 3));
      const sparse_view mask_view = mask.view();
      check_penalized_gradients(net, x.view(), masked ? &mask_view : nullptr,
                                v.name + (masked ? ", code dropout" : ""));
    }
  }
}

TEST_CASE("a one-hidden-layer contractive autoencoder's penalty is the Jacobian's squared norm",
          "[autoencoder][penalty]") {
  // h = sigmoid(xW + b): dh_j/dx_k = h_j (1 - h_j) W_kj, so ||J||_F^2 per user
  // is sum_j (h_j (1 - h_j))^2 sum_k W_kj^2, computed here from the code.
  auto b = make_cpu_backend();
  const std::vector<int> hidden = {4};
  autoencoder net(*b, stacked_layers(8, hidden, activation::sigmoid, activation::identity));
  rng random(31);
  net.initialize(init_scheme::pytorch, random);
  penalty_config p;
  p.contractive = 2;
  net.set_penalties(p);
  const std::vector<float> code = net.encode(users());
  const parameter w = net.parameters()[0];
  double expected = 0;
  for (int r = 0; r < 2; ++r)
    for (int j = 0; j < 4; ++j) {
      const double h = code[static_cast<std::size_t>(r * 4 + j)], slope = h * (1 - h);
      double norm = 0;
      for (int k = 0; k < 8; ++k) norm += std::pow(w.value[k * 4 + j], 2);
      expected += slope * slope * norm;
    }
  REQUIRE(net.penalty() == Approx(2 * expected / 2).epsilon(1e-5));
  device_sparse x;
  x.assign(*b, users());
  check_penalized_gradients(net, x.view(), nullptr, "one layer");
}

TEST_CASE("penalties a network cannot take are refused", "[autoencoder][penalty]") {
  auto b = make_cpu_backend();
  const std::vector<int> hidden = {5, 3, 5};
  autoencoder relu_net(*b, stacked_layers(8, hidden, activation::relu, activation::identity));
  penalty_config kl;
  kl.activity = {activity_kind::kl, 1, 0.05f, -1};
  REQUIRE_THROWS_WITH(relu_net.set_penalties(kl), Catch::Contains("sigmoid"));
  penalty_config cae;
  cae.contractive = 1;
  REQUIRE_THROWS_WITH(relu_net.set_penalties(cae), Catch::Contains("sigmoid or tanh"));
  penalty_config far;
  far.activity = {activity_kind::l1, 1, 0.05f, 3};
  REQUIRE_THROWS_WITH(relu_net.set_penalties(far), Catch::Contains("hidden layer (0 to 2)"));
  penalty_config negative;
  negative.activity = {activity_kind::l1, -1, 0.05f, -1};
  REQUIRE_THROWS_WITH(relu_net.set_penalties(negative), Catch::Contains(">= 0"));
}

TEST_CASE("a variational code: its shape, its sample and its gradients with the KL term",
          "[autoencoder][gradient][variational]") {
  auto b = make_cpu_backend();
  const std::vector<int> hidden = {5, 3, 5};
  const auto specs = stacked_layers(8, hidden, activation::tanh, activation::identity, true);
  REQUIRE(specs[1].outputs() == 6);  // [mean | log-variance] of 3 units
  REQUIRE(specs[1].act == activation::identity);
  REQUIRE(specs[2].inputs() == 3);
  autoencoder net(*b, specs);
  REQUIRE(net.variational());
  REQUIRE(net.code_layer() == 1);
  REQUIRE(net.code_size() == 3);
  rng random(37);
  net.initialize(init_scheme::pytorch, random);
  // Without draws the code is its mean: the first half of the code layer's output.
  const std::vector<float> code = net.encode(users());
  REQUIRE(code.size() == 2 * 3);

  const std::vector<float> draws = testing::random_vector(random, 2 * 3, -1.5f, 1.5f);
  device_array<float> on_device;
  on_device.reserve(*b, draws.size());
  b->to_device(on_device.data(), draws.data(), draws.size() * sizeof(float));
  net.set_code_sample(on_device.data(), 0.3f);
  device_sparse x;
  x.assign(*b, users());
  check_penalized_gradients(net, x.view(), nullptr, "variational");
  // A sample moves the output; the mean gives back the prediction.
  const std::vector<float> sampled = net.predict(users());
  net.set_code_sample(nullptr, 0);
  REQUIRE(net.encode(users()) == code);
  REQUIRE(net.predict(users()) != sampled);
}

TEST_CASE("a variational autoencoder needs a layer below and above its code", "[autoencoder][variational]") {
  const std::vector<int> one = {4};
  REQUIRE_THROWS_WITH(stacked_layers(8, one, activation::tanh, activation::identity, true),
                      Catch::Contains("variational"));
}

TEST_CASE("predictions at a pattern's entries are the full predictions there", "[autoencoder]") {
  auto b = make_cpu_backend();
  sparse_batch pattern;  // the test entries: other movies than the input's
  pattern.cols = 8;
  pattern.append_row(std::vector<std::int32_t>{1, 3, 6}, std::vector<float>{4, 2, 5});
  pattern.append_row(std::vector<std::int32_t>{0, 4}, std::vector<float>{3, 1});
  const std::vector<int> deep = {5, 3, 5}, none = {};
  for (const auto& hidden : {deep, none}) {
    autoencoder net(*b, stacked_layers(8, hidden, activation::sigmoid, activation::identity));
    CAPTURE(net.computes_rated());
    rng random(29);
    net.initialize(init_scheme::pytorch, random);
    const std::vector<float> full = net.predict(users());
    const std::vector<float> at = net.predict_at(users(), pattern);
    REQUIRE(at.size() == 5);
    for (int r = 0; r < 2; ++r)
      for (int e = pattern.offsets[r]; e < pattern.offsets[r + 1]; ++e)
        CHECK(at[static_cast<std::size_t>(e)] ==
              Approx(full[static_cast<std::size_t>(r * 8 + pattern.cols_index[e])]).epsilon(1e-6));
  }
}

// The wasm module serves a loaded model with its weights packed once (prepare_for_serving): the
// predictions are those of the unprepared network (another kernel, so within rounding), for one
// user and a batch, dense and sparse inputs; and they come from the packed copies, which a change
// to the weights afterwards does not reach (the contract: serving weights do not change), except
// the first layer's under sparse inputs, which select rows of it and are not packed.
TEST_CASE("a network prepared for serving predicts as before, from its packed weights", "[autoencoder]") {
  auto b = make_cpu_backend();
  const std::vector<int> hidden = {16, 8, 16};
  const auto network = [&] {
    auto net =
        std::make_unique<autoencoder>(*b, stacked_layers(37, hidden, activation::selu, activation::identity));
    rng random(11);
    net->initialize(init_scheme::pytorch, random);
    return net;
  };
  rng random(12);
  std::vector<float> rows(64 * 37);
  sparse_batch sparse;
  sparse.cols = 37;
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (random.uniform() < 0.2f) {
      rows[i] = static_cast<float>(1 + random.next() % 5);
      sparse.cols_index.push_back(static_cast<int>(i % 37));
      sparse.values.push_back(rows[i]);
      if ((i + 1) % 37 == 0) sparse.offsets.push_back(sparse.nnz());
    } else if ((i + 1) % 37 == 0) {
      sparse.offsets.push_back(sparse.nnz());
    }
  const auto close = [](const std::vector<float>& got, const std::vector<float>& want) {
    REQUIRE(got.size() == want.size());
    for (std::size_t i = 0; i < got.size(); ++i) CHECK(got[i] == Approx(want[i]).epsilon(1e-5).margin(1e-6));
  };
  const auto zero_weight = [&](autoencoder& net, std::size_t layer) {
    const parameter w = net.parameters()[2 * layer];  // a copy: the list is a temporary
    b->fill(w.value, w.size, 0.0f);
  };
  const std::span<const float> all(rows), one(rows.data(), 37);

  const auto dense = network();
  const std::vector<float> batch_before = dense->predict(all), one_before = dense->predict(one);
  dense->prepare_for_serving(/*sparse_inputs=*/false);
  close(dense->predict(all), batch_before);
  close(dense->predict(one), one_before);
  zero_weight(*dense, 3);
  close(dense->predict(all), batch_before);

  const auto rated = network();
  REQUIRE(sparse.rows() == 64);
  const std::vector<float> sparse_before = rated->predict(sparse);
  close(sparse_before, batch_before);
  rated->prepare_for_serving(/*sparse_inputs=*/true);
  close(rated->predict(sparse), sparse_before);
  zero_weight(*rated, 0);
  CHECK(rated->predict(sparse) != sparse_before);
}
