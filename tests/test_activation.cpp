// Activation values against their definitions, and derivatives against
// central differences, through the backend's element-wise operations.
#include <catch2/catch.hpp>
#include <cmath>

#include "aerec/backend/cpu_backend.h"
#include "aerec/backend/ops/elementwise_ops.h"
#include "aerec/core/error.h"
#include "gradient_check.h"

using namespace aerec;

namespace {

// The PyTorch definitions (torch.nn.functional), written out in double.
double reference(activation a, double z) {
  switch (a) {
    case activation::identity:
      return z;
    case activation::sigmoid:
      return 1 / (1 + std::exp(-z));
    case activation::tanh:
      return std::tanh(z);
    case activation::relu:
      return std::max(z, 0.0);
    case activation::leaky_relu:
      return z > 0 ? z : 0.01 * z;
    case activation::selu:
      return 1.0507009873554805 * (z > 0 ? z : 1.6732632423543772 * (std::exp(z) - 1));
    case activation::elu:
      return z > 0 ? z : std::exp(z) - 1;
  }
  return 0;
}

// Points away from the kinks of relu-like functions, on both sides of zero.
const std::vector<float> points = {-4.0f, -1.5f, -0.7f, -0.2f, 0.3f, 0.9f, 2.5f, 6.0f};

}  // namespace

TEST_CASE("activations match PyTorch's definitions", "[activation]") {
  auto cpu = make_cpu_backend();
  elementwise_ops& b = ops<elementwise_ops>(*cpu);
  for (const activation a : all_activations()) {
    std::vector<float> y(points.size());
    b.activation_forward(a, {points.data(), 1, int(points.size())}, {y.data(), 1, int(y.size())});
    for (std::size_t i = 0; i < points.size(); ++i) {
      INFO(activation_name(a) << "(" << points[i] << ")");
      REQUIRE(y[i] == Approx(reference(a, points[i])).epsilon(1e-6).margin(1e-7));
    }
  }
}

TEST_CASE("activation derivatives match central differences", "[activation][gradient]") {
  auto cpu = make_cpu_backend();
  elementwise_ops& b = ops<elementwise_ops>(*cpu);
  for (const activation a : all_activations()) {
    for (float z : points) {
      float y = 0, dz = 0;
      const float one = 1;
      b.activation_forward(a, {&z, 1, 1}, {&y, 1, 1});
      b.activation_backward(a, {&z, 1, 1}, {&y, 1, 1}, {&one, 1, 1}, {&dz, 1, 1});
      float probe = z;
      const double numeric = testing::central_difference(
          probe, [&] { return reference(a, probe); }, 1e-3f);
      testing::require_close(dz, numeric, std::string(activation_name(a)) + " at " + std::to_string(z), 1e-4);
    }
  }
}

// The direct convolutions keep no pre-activations: they differentiate from
// the outputs alone, which holds where a derivative's test of z's sign is
// the same test of y's, at zero, subnormals, underflow and saturation too.
TEST_CASE("every activation's derivative is the same taken from its output alone", "[activation]") {
  auto cpu = make_cpu_backend();
  elementwise_ops& b = ops<elementwise_ops>(*cpu);
  std::vector<float> z = {0.0f,    -0.0f,  1e-42f,  -1e-42f, 1e-38f, -1e-38f,
                          -1e-30f, 1e-30f, -100.0f, 100.0f,  -1e30f, 1e30f};
  for (int i = -400; i <= 400; ++i) z.push_back(static_cast<float>(i) / 37.0f);
  const int n = static_cast<int>(z.size());
  std::vector<float> dy(z.size());
  for (int i = 0; i < n; ++i) dy[std::size_t(i)] = 0.5f + static_cast<float>(i % 7);
  for (const activation a : all_activations()) {
    std::vector<float> y(z.size()), from_z(z.size()), from_y(z.size());
    b.activation_forward(a, {z.data(), 1, n}, {y.data(), 1, n});
    b.activation_backward(a, {z.data(), 1, n}, {y.data(), 1, n}, {dy.data(), 1, n}, {from_z.data(), 1, n});
    b.activation_backward(a, {y.data(), 1, n}, {y.data(), 1, n}, {dy.data(), 1, n}, {from_y.data(), 1, n});
    for (std::size_t i = 0; i < z.size(); ++i) {
      INFO(activation_name(a) << " at " << z[i]);
      REQUIRE(from_y[i] == from_z[i]);
    }
  }
}

TEST_CASE("activation names round trip and unknown names are rejected", "[activation]") {
  for (const activation a : all_activations()) REQUIRE(parse_activation(activation_name(a)) == a);
  REQUIRE_THROWS_AS(parse_activation("softsign"), error);
  REQUIRE_THROWS_WITH(parse_activation("softsign"), Catch::Contains("sigmoid"));
}
