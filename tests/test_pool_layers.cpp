// Max pooling and nearest upsampling layers: values against naive loops
// written here, gradients against central differences, PyTorch's tie-breaking,
// and what image layers refuse.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <numeric>

#include "aerec/backend/cpu_backend.h"
#include "aerec/core/error.h"
#include "aerec/data/sparse_batch.h"
#include "aerec/nn/layer_registry.h"
#include "aerec/nn/layers/max_pool2d.h"
#include "aerec/nn/layers/upsample2d.h"
#include "gradient_check.h"

using namespace aerec;

namespace {

constexpr int rows = 2;

std::size_t count(int a, int b) { return static_cast<std::size_t>(a) * static_cast<std::size_t>(b); }

struct pool_case {
  int c, h, w, k, s;
};

// Distinct values 0.05 apart in a shuffled order: a central difference's step
// never changes which pixel is a window's maximum.
std::vector<float> distinct_values(std::size_t n, std::uint64_t seed) {
  std::vector<float> v(n);
  std::iota(v.begin(), v.end(), 0.0f);
  rng random(seed);
  for (std::size_t i = n; i > 1; --i)
    std::swap(v[i - 1], v[static_cast<std::size_t>(random.uniform() * static_cast<float>(i)) % i]);
  for (float& x : v) x = 0.05f * x - 1;
  return v;
}

std::size_t at(int c, int y, int x, int h, int w) { return static_cast<std::size_t>((c * h + y) * w + x); }

// Each window's maximum over its in-bounds pixels, windows every s pixels
// while they start inside the image (PyTorch's ceil mode without padding).
std::vector<float> naive_max_pool(const std::vector<float>& x, const pool_case& p, int oh, int ow) {
  std::vector<float> y;
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < p.c; ++c)
      for (int oy = 0; oy < oh; ++oy)
        for (int ox = 0; ox < ow; ++ox) {
          float best = -INFINITY;
          for (int ky = 0; ky < p.k; ++ky)
            for (int kx = 0; kx < p.k; ++kx) {
              const int iy = oy * p.s + ky, ix = ox * p.s + kx;
              if (iy < p.h && ix < p.w) best = std::max(best, x[at(r * p.c + c, iy, ix, p.h, p.w)]);
            }
          y.push_back(best);
        }
  return y;
}

std::vector<float> naive_upsample(const std::vector<float>& x, int c, int h, int w, int s) {
  std::vector<float> y;
  for (int plane = 0; plane < rows * c; ++plane)
    for (int oy = 0; oy < h * s; ++oy)
      for (int ox = 0; ox < w * s; ++ox) y.push_back(x[at(plane, oy / s, ox / s, h, w)]);
  return y;
}

layer_input dense(std::vector<float>& x, int cols) {
  layer_input in;
  in.dense = {x.data(), rows, cols};
  return in;
}

// L = sum(c * y): checks the layer's dL/dx against central differences, then
// that backward overwrites dx (there is no parameter for beta to accumulate).
void check_input_gradient(layer& l, std::vector<float> x, std::uint64_t seed) {
  const layer_spec spec = l.spec();
  rng random(seed);
  const std::vector<float> c = testing::random_vector(random, count(rows, spec.outputs()), -1, 1);
  const layer_input in = dense(x, spec.inputs());
  const auto f = [&] {
    const const_matrix_view y = l.forward(in);
    double sum = 0;
    for (std::size_t i = 0; i < c.size(); ++i) sum += static_cast<double>(c[i]) * y.data[i];
    return sum;
  };
  f();
  const const_matrix_view dx = l.backward(in, {c.data(), rows, spec.outputs()}, 0, true);
  REQUIRE((dx.rows == rows && dx.cols == spec.inputs()));
  const std::vector<float> analytic(dx.data, dx.data + count(rows, spec.inputs()));
  for (std::size_t i = 0; i < x.size(); ++i)
    testing::require_close(analytic[i], testing::central_difference(x[i], f, 1e-3f),
                           spec.kind + " input[" + std::to_string(i) + "]");
  f();
  const const_matrix_view again = l.backward(in, {c.data(), rows, spec.outputs()}, 1, true);
  REQUIRE(std::vector<float>(again.data, again.data + analytic.size()) == analytic);
}

}  // namespace

TEST_CASE("max_pool2d pools in ceil mode as naive loops do", "[pool]") {
  auto b = make_cpu_backend(1);
  // Keras's "same" 7 -> 4, exact tiling, overlapping windows, and a stride past
  // the kernel whose last ceil-mode window would start outside (PyTorch drops it).
  for (const pool_case p : {pool_case{2, 7, 7, 2, 2}, pool_case{3, 6, 6, 3, 3}, pool_case{1, 5, 6, 3, 2},
                            pool_case{1, 6, 9, 1, 4}, pool_case{2, 28, 28, 2, 2}}) {
    const layer_spec spec = max_pool2d_spec(shape::image(p.c, p.h, p.w), p.k, p.s);
    CAPTURE(p.c, p.h, p.w, p.k, p.s, spec.output.text());
    REQUIRE(layer_problem(spec).empty());
    const int oh = spec.output.dim(1), ow = spec.output.dim(2);
    if (p.h == 7) REQUIRE(spec.output == shape::image(2, 4, 4));
    if (p.k == 1) REQUIRE(spec.output == shape::image(1, 2, 3));
    std::vector<float> x = distinct_values(count(rows, spec.inputs()), 3);
    auto l = make_layer(*b, spec);
    const const_matrix_view y = l->forward(dense(x, spec.inputs()));
    REQUIRE((y.rows == rows && y.cols == spec.outputs()));
    REQUIRE(std::vector<float>(y.data, y.data + count(rows, spec.outputs())) == naive_max_pool(x, p, oh, ow));
  }
}

TEST_CASE("max_pool2d's input gradient matches central differences", "[pool][gradient]") {
  auto b = make_cpu_backend(1);
  for (const pool_case p : {pool_case{2, 7, 7, 2, 2}, pool_case{3, 6, 6, 3, 3}, pool_case{1, 5, 6, 3, 2}}) {
    CAPTURE(p.c, p.h, p.w, p.k, p.s);
    const layer_spec spec = max_pool2d_spec(shape::image(p.c, p.h, p.w), p.k, p.s);
    auto l = make_layer(*b, spec);
    check_input_gradient(*l, distinct_values(count(rows, spec.inputs()), 5), 6);
  }
}

TEST_CASE("max_pool2d routes a tie's gradient to the first maximum in row-major order, as PyTorch",
          "[pool]") {
  auto b = make_cpu_backend(1);
  const layer_spec spec = max_pool2d_spec(shape::image(1, 4, 4), 2, 2);
  auto l = make_layer(*b, spec);
  // Window (0,0) ties at (0,1) and (1,0); window (0,1) is all 3; window (1,0)
  // ties at (3,0) and (3,1); window (1,1) has one maximum at (3,3).
  std::vector<float> x = {0, 5, 3, 3, 5, 1, 3, 3, 0, 0, 0, 0, 2, 2, 0, 1,
                          0, 5, 3, 3, 5, 1, 3, 3, 0, 0, 0, 0, 2, 2, 0, 1};
  const layer_input in = dense(x, 16);
  const const_matrix_view y = l->forward(in);
  REQUIRE(std::vector<float>(y.data, y.data + 8) == std::vector<float>{5, 3, 2, 1, 5, 3, 2, 1});
  const std::vector<float> dy = {1, 2, 3, 4, 1, 2, 3, 4};
  const const_matrix_view dx = l->backward(in, {dy.data(), rows, 4}, 0, true);
  const std::vector<float> expected = {0, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 4};
  for (int r = 0; r < rows; ++r)
    REQUIRE(std::vector<float>(dx.data + r * 16, dx.data + (r + 1) * 16) == expected);
}

TEST_CASE("max_pool2d sums the gradients of overlapping windows at a shared maximum", "[pool]") {
  auto b = make_cpu_backend(1);
  auto l = make_layer(*b, max_pool2d_spec(shape::image(1, 3, 3), 2, 1));
  std::vector<float> x(count(rows, 9), 0.0f);
  x[4] = x[9 + 4] = 1;  // the centre: every window's maximum
  const layer_input in = dense(x, 9);
  l->forward(in);
  const std::vector<float> dy = {1, 2, 3, 4, 1, 1, 1, 1};
  const const_matrix_view dx = l->backward(in, {dy.data(), rows, 4}, 0, true);
  REQUIRE(dx.data[4] == 10);
  REQUIRE(dx.data[9 + 4] == 4);
  REQUIRE(std::count(dx.data, dx.data + 18, 0.0f) == 16);
}

TEST_CASE("upsample2d repeats each pixel, and its input gradient matches central differences", "[pool]") {
  auto b = make_cpu_backend(1);
  for (const int s : {2, 3}) {
    CAPTURE(s);
    const int c = 2, h = 3, w = 5;
    const layer_spec spec = upsample2d_spec(shape::image(c, h, w), s);
    REQUIRE(spec.output == shape::image(c, h * s, w * s));
    REQUIRE(layer_problem(spec).empty());
    auto l = make_layer(*b, spec);
    rng random(7);
    std::vector<float> x = testing::random_vector(random, count(rows, spec.inputs()), -1, 1);
    const const_matrix_view y = l->forward(dense(x, spec.inputs()));
    REQUIRE(std::vector<float>(y.data, y.data + count(rows, spec.outputs())) ==
            naive_upsample(x, c, h, w, s));
    check_input_gradient(*l, x, 8);
  }
}

TEST_CASE("image layers have no parameters, take dense inputs and refuse single outputs", "[pool]") {
  auto b = make_cpu_backend(1);
  for (const layer_spec& spec :
       {max_pool2d_spec(shape::image(1, 4, 4), 2, 2), upsample2d_spec(shape::image(1, 2, 2), 2)}) {
    CAPTURE(spec.kind);
    auto l = make_layer(*b, spec);
    REQUIRE(l->parameters().empty());
    REQUIRE(parameter_floats(spec) == 0);
    rng random(1);
    l->initialize(init_scheme::pytorch, random);
    std::vector<float> x(count(rows, spec.inputs()), 0.5f);
    const layer_input in = dense(x, spec.inputs());
    sparse_batch pattern_host;
    pattern_host.cols = spec.outputs();
    pattern_host.append_row(std::vector<std::int32_t>{0}, std::vector<float>{1});
    pattern_host.append_row(std::vector<std::int32_t>{1}, std::vector<float>{1});
    device_sparse pattern;
    pattern.assign(*b, pattern_host);
    const sparse_view p = pattern.view();
    const float d[] = {1, 1};
    const auto refused = [](auto&& call) {
      try {
        call();
      } catch (const error& e) {
        CHECK(e.code() == error_code::invalid_argument);
        return std::string(e.what());
      }
      FAIL("not refused");
      return std::string();
    };
    CHECK_THAT(refused([&] { l->forward_at(in, p); }), Catch::Contains("don't compute single outputs"));
    CHECK_THAT(refused([&] { l->backward_at(in, p, d, 0, true); }),
               Catch::Contains("don't compute single outputs"));
    sparse_batch sparse_host;
    sparse_host.cols = spec.inputs();
    sparse_host.append_row(std::vector<std::int32_t>{0}, std::vector<float>{1});
    device_sparse sparse;
    sparse.assign(*b, sparse_host);
    const sparse_view sv = sparse.view();
    layer_input sparse_in;
    sparse_in.sparse = &sv;
    CHECK_THAT(refused([&] { l->forward(sparse_in); }), Catch::Contains("takes dense inputs"));
  }
}
