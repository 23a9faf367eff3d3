// The CPU backend's fast kernels (SIMD, threads, Eigen) against the reference
// backend's plain loops, operation by operation, at sizes that take the
// vectorised and threaded paths and at awkward ones (odd widths, empty rows).
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>

#include "aerec/backend/cpu_backend.h"
#include "aerec/data/sparse_batch.h"
#include "gradient_check.h"

using namespace aerec;

namespace {

// A random sparse batch: each row keeps each column with probability `density`.
sparse_batch random_sparse(rng& random, int rows, int cols, float density) {
  sparse_batch batch;
  batch.cols = cols;
  for (int r = 0; r < rows; ++r) {
    std::vector<std::int32_t> c;
    std::vector<float> v;
    for (int j = 0; j < cols; ++j)
      if (random.uniform() < density) {
        c.push_back(j);
        v.push_back(random.uniform(-2, 2));
      }
    batch.append_row(c, v);
  }
  return batch;
}

sparse_view view_of(const sparse_batch& b) {
  return {b.rows(), b.cols, b.nnz(), b.offsets.data(), b.cols_index.data(), b.values.data()};
}

// Close to the reference: relative to the size of what was summed.
void require_close(const std::vector<float>& fast, const std::vector<float>& reference,
                   double tolerance = 1e-5) {
  REQUIRE(fast.size() == reference.size());
  for (std::size_t i = 0; i < fast.size(); ++i) {
    INFO("element " << i);
    REQUIRE(fast[i] == Approx(reference[i]).epsilon(tolerance).margin(tolerance));
  }
}

struct shape {
  int rows, k, n;
};
// Small and odd; wide enough to thread and vectorise; an empty batch.
const shape shapes[] = {{1, 1, 1}, {3, 7, 5}, {17, 33, 19}, {128, 96, 300}, {0, 4, 6}};
const int thread_counts[] = {1, 2, 3};

}  // namespace

TEST_CASE("fast matrix products match the reference", "[kernels]") {
  auto reference = make_reference_backend();
  rng random(1);
  for (const int threads : thread_counts) {
    auto fast = make_cpu_backend(threads);
    for (const shape s : shapes)
      for (const bool ta : {false, true})
        for (const bool tb : {false, true})
          for (const float beta : {0.0f, 1.0f, 0.5f}) {
            CAPTURE(threads, s.rows, s.k, s.n, ta, tb, beta);
            const std::vector<float> a = testing::random_vector(random, std::size_t(s.rows * s.k), -1, 1);
            const std::vector<float> b = testing::random_vector(random, std::size_t(s.k * s.n), -1, 1);
            std::vector<float> c = testing::random_vector(random, std::size_t(s.rows * s.n), -1, 1);
            if (beta == 0) std::fill(c.begin(), c.end(), NAN);  // beta 0 overwrites even NaN
            std::vector<float> expected = c;
            const const_matrix_view av = ta ? const_matrix_view(a.data(), s.k, s.rows)
                                            : const_matrix_view(a.data(), s.rows, s.k);
            const const_matrix_view bv = tb ? const_matrix_view(b.data(), s.n, s.k)
                                            : const_matrix_view(b.data(), s.k, s.n);
            fast->gemm(ta, tb, 0.75f, av, bv, beta, {c.data(), s.rows, s.n});
            reference->gemm(ta, tb, 0.75f, av, bv, beta, {expected.data(), s.rows, s.n});
            require_close(c, expected);
          }
  }
}

TEST_CASE("fast sparse kernels match the reference, for any thread count", "[kernels]") {
  auto reference = make_reference_backend();
  rng random(2);
  for (const shape s : shapes)
    for (const float density : {0.0f, 0.1f, 0.6f}) {
      const sparse_batch x_host = random_sparse(random, s.rows, s.k, density);
      const sparse_view x = view_of(x_host);
      const std::vector<float> w = testing::random_vector(random, std::size_t(s.k * s.n), -1, 1);
      const std::vector<float> d = testing::random_vector(random, std::size_t(s.rows * s.n), -1, 1);
      const std::vector<float> h = testing::random_vector(random, std::size_t(s.rows * s.n), -1, 1);
      const std::vector<float> bias = testing::random_vector(random, std::size_t(s.k), -1, 1);
      const std::vector<float> start = testing::random_vector(random, std::size_t(s.k * s.n), -1, 1);
      std::vector<float> first[3];  // each kernel's result with one thread
      for (const int threads : thread_counts) {
        CAPTURE(threads, s.rows, s.k, s.n, density);
        auto fast = make_cpu_backend(threads);
        for (const float beta : {0.0f, 1.0f}) {
          std::vector<float> c(std::size_t(s.rows * s.n), 3), c_ref = c;
          fast->sparse_dense(x, {w.data(), s.k, s.n}, beta, {c.data(), s.rows, s.n});
          reference->sparse_dense(x, {w.data(), s.k, s.n}, beta, {c_ref.data(), s.rows, s.n});
          require_close(c, c_ref);

          std::vector<float> g = start, g_ref = start;
          fast->sparse_t_dense(x, {d.data(), s.rows, s.n}, beta, {g.data(), s.k, s.n});
          reference->sparse_t_dense(x, {d.data(), s.rows, s.n}, beta, {g_ref.data(), s.k, s.n});
          require_close(g, g_ref);
          if (beta == 0) {
            // Every part of the work is split by output, so the thread count changes nothing.
            if (threads == 1) first[0] = c, first[1] = g;
            CHECK(c == first[0]);
            CHECK(g == first[1]);
          }
        }
        // x's pattern (rows x k) as the entries of h (rows x n) times w^T (w is k x n).
        std::vector<float> at(std::size_t(x.nnz) + 1, NAN), at_ref = at;
        fast->sampled_product({h.data(), s.rows, s.n}, {w.data(), s.k, s.n}, x, bias.data(), at.data());
        reference->sampled_product({h.data(), s.rows, s.n}, {w.data(), s.k, s.n}, x, bias.data(),
                                   at_ref.data());
        at.pop_back(), at_ref.pop_back();
        require_close(at, at_ref);
        if (threads == 1) first[2] = at;
        CHECK(at == first[2]);
      }
    }
}

TEST_CASE("fast losses, activations and element-wise kernels match the reference", "[kernels]") {
  auto reference = make_reference_backend();
  rng random(3);
  const int rows = 40, cols = 1000;
  const sparse_batch target_host = random_sparse(random, rows, cols, 0.05f);
  const sparse_view target = view_of(target_host);
  const std::vector<float> out = testing::random_vector(random, rows * cols, 0, 5);
  const std::vector<float> other = testing::random_vector(random, rows * cols, -3, 3);
  for (const int threads : thread_counts) {
    CAPTURE(threads);
    auto fast = make_cpu_backend(threads);
    const matrix_view none{nullptr, rows, cols};
    const auto run = [&](backend& b, auto&& op) {
      std::vector<float> result(rows * cols, NAN);
      op(b, matrix_view{result.data(), none.rows, none.cols});
      return result;
    };
    const auto same = [&](auto&& op) { CHECK(run(*fast, op) == run(*reference, op)); };

    same([&](backend& b, matrix_view r) { b.multiply({out.data(), rows, cols}, {other.data(), rows, cols}, r); });
    same([&](backend& b, matrix_view r) {
      std::copy(out.begin(), out.end(), r.data);
      b.add_row_vector(r, other.data());
    });
    for (const activation act : all_activations()) {
      CAPTURE(activation_name(act));
      // Vectorised e^x differs from libm's in the last bits (see the sweep below).
      require_close(run(*fast, [&](backend& b, matrix_view r) { b.activation_forward(act, {other.data(), rows, cols}, r); }),
                    run(*reference, [&](backend& b, matrix_view r) { b.activation_forward(act, {other.data(), rows, cols}, r); }),
                    1e-6);
      same([&](backend& b, matrix_view r) {
        b.activation_backward(act, {other.data(), rows, cols}, {out.data(), rows, cols},
                              {other.data(), rows, cols}, r);
      });
    }
    same([&](backend& b, matrix_view r) { b.scatter(target, r); });
    std::vector<float> gathered(std::size_t(target.nnz)), gathered_ref(gathered.size());
    fast->gather({out.data(), rows, cols}, target, gathered.data());
    reference->gather({out.data(), rows, cols}, target, gathered_ref.data());
    CHECK(gathered == gathered_ref);
    std::vector<float> sums(cols, 1), sums_ref(cols, 1);
    fast->column_sums({other.data(), rows, cols}, 0.5f, sums.data());
    reference->column_sums({other.data(), rows, cols}, 0.5f, sums_ref.data());
    require_close(sums, sums_ref);

    // The masked loss, over full outputs and over outputs at the rated entries.
    std::vector<float> row_sums(rows), row_sums_ref(rows);
    const std::vector<float> grad = run(*fast, [&](backend& b, matrix_view r) {
      b.masked_squared_error({out.data(), rows, cols}, target, 0.25f, r, row_sums.data());
    });
    const std::vector<float> grad_ref = run(*reference, [&](backend& b, matrix_view r) {
      b.masked_squared_error({out.data(), rows, cols}, target, 0.25f, r, row_sums_ref.data());
    });
    CHECK(grad == grad_ref);
    CHECK(row_sums == row_sums_ref);
    std::vector<float> rated(std::size_t(target.nnz)), rated_grad(rated.size()), rated_grad_ref(rated.size());
    for (int r = 0, e = 0; r < rows; ++r)
      for (; e < target.offsets[r + 1]; ++e) rated[std::size_t(e)] = out[std::size_t(r * cols + target.cols_index[e])];
    std::vector<float> rated_sums(rows);
    fast->rated_squared_error(rated.data(), target, 0.25f, rated_grad.data(), rated_sums.data());
    reference->rated_squared_error(rated.data(), target, 0.25f, rated_grad_ref.data(), row_sums_ref.data());
    CHECK(rated_grad == rated_grad_ref);
    CHECK(rated_sums == row_sums);  // the same errors as the full outputs' loss
  }
}

TEST_CASE("fast optimizer steps match the reference bit for bit, for any thread count", "[kernels]") {
  auto reference = make_reference_backend();
  rng random(4);
  const std::size_t n = 100003;  // threaded, and not a multiple of a SIMD width
  const std::vector<float> grad = testing::random_vector(random, n, -1, 1);
  for (const optimizer_kind kind : {optimizer_kind::sgd, optimizer_kind::rmsprop, optimizer_kind::adam}) {
    optimizer_config config = default_optimizer_config(kind);
    config.weight_decay = 0.01;
    if (kind == optimizer_kind::sgd) config.momentum = 0.9;
    const auto steps = [&](backend& b) {
      rng same(5);
      std::vector<float> param = testing::random_vector(same, n, -1, 1);
      std::vector<std::vector<float>> state(3, std::vector<float>(n, 0));
      float* const arrays[3] = {state[0].data(), state[1].data(), state[2].data()};
      for (long step = 1; step <= 3; ++step) b.optimizer_step(config, step, n, param.data(), grad.data(), arrays);
      return param;
    };
    const std::vector<float> expected = steps(*reference);
    for (const int threads : thread_counts) {
      CAPTURE(optimizer_name(kind), threads);
      auto fast = make_cpu_backend(threads);
      CHECK(steps(*fast) == expected);
    }
  }
}

TEST_CASE("vectorised activations agree with libm to a few ulp, over the whole float range",
          "[kernels]") {
  std::vector<float> z;
  for (float v = -100; v <= 100; v += 0.0037f) z.push_back(v);
  for (float v = 1e-30f; v < 1; v *= 1.7f) z.push_back(v), z.push_back(-v);
  for (const float v : {0.0f, -0.0f, 0.35f, -0.35f, 88.0f, -88.0f, 1e30f, -1e30f}) z.push_back(v);
  auto reference = make_reference_backend();
  auto fast = make_cpu_backend(2);
  const int n = static_cast<int>(z.size());
  for (const activation act : all_activations()) {
    CAPTURE(activation_name(act));
    std::vector<float> y(z.size()), expected(z.size());
    fast->activation_forward(act, {z.data(), 1, n}, {y.data(), 1, n});
    reference->activation_forward(act, {z.data(), 1, n}, {expected.data(), 1, n});
    for (std::size_t i = 0; i < z.size(); ++i) {
      INFO("z = " << z[i] << ": " << y[i] << " vs libm " << expected[i]);
      // 4 ulp, or an absolute 1e-30 where the result underflows.
      REQUIRE(std::abs(y[i] - expected[i]) <= 4 * 1.2e-7f * std::abs(expected[i]) + 1e-30f);
    }
  }
}
