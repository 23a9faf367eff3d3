#pragma once
// A layer's every gradient against central differences, for L = sum(c * y)
// with fixed random c: each parameter's (perturbed in place: the CPU
// backend's memory is the host's), the input's where asked, and that beta 1
// adds to what beta 0 wrote.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "aerec/nn/layer.h"
#include "gradient_check.h"

namespace aerec::testing {

inline void check_layer_gradients(layer& l, std::vector<float> x, int rows, std::uint64_t seed,
                                  bool check_input, float step = 1e-3f) {
  const layer_spec spec = l.spec();
  rng random(seed);
  const std::vector<float> c =
      random_vector(random, static_cast<std::size_t>(rows) * static_cast<std::size_t>(spec.outputs()), -1, 1);
  layer_input in;
  in.dense = {x.data(), rows, spec.inputs()};
  const auto f = [&] {
    const const_matrix_view y = l.forward(in);
    REQUIRE((y.rows == rows && y.cols == spec.outputs()));
    double sum = 0;
    for (std::size_t i = 0; i < c.size(); ++i) sum += static_cast<double>(c[i]) * y.data[i];
    return sum;
  };
  const const_matrix_view dy{c.data(), rows, spec.outputs()};
  f();
  const const_matrix_view dx = l.backward(in, dy, 0, check_input);
  const std::vector<float> analytic_dx =
      check_input ? std::vector<float>(dx.data, dx.data + x.size()) : std::vector<float>();
  for (parameter& p : l.parameters()) {
    const std::vector<float> grad(p.grad, p.grad + p.size);
    for (std::size_t i = 0; i < p.size; ++i)
      require_close(grad[i], central_difference(p.value[i], f, step),
                    spec.kind + " " + p.name + "[" + std::to_string(i) + "]");
  }
  if (check_input) {
    REQUIRE((dx.rows == rows && dx.cols == spec.inputs()));
    for (std::size_t i = 0; i < x.size(); ++i)
      require_close(analytic_dx[i], central_difference(x[i], f, step),
                    spec.kind + " input[" + std::to_string(i) + "]");
  }
  // beta 1 accumulates: a second backward doubles every parameter gradient.
  f();
  l.backward(in, dy, 0, false);
  std::vector<std::vector<float>> once;
  for (const parameter& p : l.parameters()) once.emplace_back(p.grad, p.grad + p.size);
  l.backward(in, dy, 1, false);
  std::size_t k = 0;
  for (const parameter& p : l.parameters()) {
    for (std::size_t i = 0; i < p.size; ++i) REQUIRE(p.grad[i] == Approx(2 * once[k][i]).margin(1e-6));
    ++k;
  }
}

}  // namespace aerec::testing
