// The SIMD matrix product against the textbook triple loop: every transpose
// combination, alpha and beta cases, and shapes that are not multiples of the
// vector width or the tiles (1 x 1, k = 1, one row, 64 rows, 3,706 columns),
// through each of the product's paths (one row, a few rows, panels).
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "backend/cpu/simd_gemm.h"

using namespace aerec;

namespace {

struct shape {
  int m, n, k;
};

// op(X)(i, j) of a row-major rows x cols matrix.
float element(const std::vector<float>& x, int cols, bool transposed, int i, int j) {
  const std::size_t row = static_cast<std::size_t>(transposed ? j : i);
  return x[row * static_cast<std::size_t>(cols) + static_cast<std::size_t>(transposed ? i : j)];
}

struct expected {
  std::vector<float> value;       // alpha * op(A) * op(B) + beta * C, summed in double
  std::vector<double> magnitude;  // the same of every term's absolute value: the error's scale
};

// The textbook triple loop; beta = 0 ignores C.
expected reference_gemm(bool ta, bool tb, float alpha, const std::vector<float>& a,
                        const std::vector<float>& b, float beta, std::vector<float> c, shape s) {
  const int a_cols = ta ? s.m : s.k, b_cols = tb ? s.k : s.n;
  std::vector<double> magnitude(c.size());
  for (int i = 0; i < s.m; ++i)
    for (int j = 0; j < s.n; ++j) {
      double sum = 0, size = 0;
      for (int p = 0; p < s.k; ++p) {
        const double term = static_cast<double>(element(a, a_cols, ta, i, p)) * element(b, b_cols, tb, p, j);
        sum += term;
        size += std::abs(term);
      }
      const std::size_t at = static_cast<std::size_t>(i) * s.n + j;
      const double old = beta == 0 ? 0.0 : static_cast<double>(beta) * c[at];
      c[at] = static_cast<float>(alpha * sum + old);
      magnitude[at] = std::abs(alpha) * size + std::abs(old);
    }
  return {c, magnitude};
}

std::vector<float> random_values(std::size_t n, std::mt19937& random) {
  std::uniform_real_distribution<float> uniform(-1, 1);
  std::vector<float> v(n);
  for (float& x : v) x = uniform(random);
  return v;
}

// Largest |got - want| relative to the sum of the absolute terms (NaN: infinite).
double worst_error(const std::vector<float>& got, const expected& want) {
  double worst = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    const double e = std::abs(static_cast<double>(got[i]) - want.value[i]) /
                     std::max(want.magnitude[i], std::numeric_limits<double>::min());
    worst = std::isnan(e) ? std::numeric_limits<double>::infinity() : std::max(worst, e);
  }
  return worst;
}

void check(shape s, bool ta, bool tb, float alpha, float beta, bool nan_in_c) {
  std::mt19937 random(static_cast<unsigned>(s.m * 7919 + s.n * 31 + s.k));
  const std::size_t m = static_cast<std::size_t>(s.m), n = static_cast<std::size_t>(s.n),
                    k = static_cast<std::size_t>(s.k);
  const std::vector<float> a = random_values(m * k, random), b = random_values(k * n, random);
  std::vector<float> c = random_values(m * n, random);
  if (nan_in_c) std::fill(c.begin(), c.end(), std::numeric_limits<float>::quiet_NaN());
  const expected want = reference_gemm(ta, tb, alpha, a, b, beta, c, s);

  simd_gemm(ta, tb, alpha, {a.data(), ta ? s.k : s.m, ta ? s.m : s.k},
            {b.data(), tb ? s.n : s.k, tb ? s.k : s.n}, beta, {c.data(), s.m, s.n});
  INFO("m " << s.m << ", n " << s.n << ", k " << s.k << ", transpose " << ta << tb << ", alpha " << alpha
            << ", beta " << beta << (nan_in_c ? ", NaN in C" : ""));
  CHECK(worst_error(c, want) < 1e-5);
}

// One row times Bt^T reads Bt's rows one after another from depth 64: {1, 37,
// 130} and {1, 3, 67} (a partial four, a depth past the last whole vector).
const std::vector<shape> shapes = {
    {1, 1, 1},      {1, 1, 7},      {3, 5, 1},    {1, 3706, 20}, {64, 3706, 20}, {1, 20, 3706}, {64, 20, 10},
    {7, 9, 13},     {5, 17, 300},   {64, 37, 33}, {1, 37, 9},    {2, 33, 17},    {9, 4, 5},     {13, 71, 257},
    {64, 512, 512}, {1, 1024, 512}, {64, 600, 1}, {1, 37, 130},  {1, 3, 67},     {1, 5, 64},
};

}  // namespace

TEST_CASE("simd_gemm matches the reference for every transpose and shape", "[kernels]") {
  for (const shape& s : shapes)
    for (const bool ta : {false, true})
      for (const bool tb : {false, true}) check(s, ta, tb, 1, 0, false);
}

TEST_CASE("simd_gemm: beta 0 overwrites NaN, beta 1 accumulates, others scale", "[kernels]") {
  for (const shape& s : {shape{1, 3706, 20}, shape{64, 70, 300}, shape{3, 5, 7}})
    for (const bool ta : {false, true})
      for (const bool tb : {false, true}) {
        check(s, ta, tb, 1, 0, true);
        check(s, ta, tb, 0.5f, 0, true);
        check(s, ta, tb, 1, 1, false);
        check(s, ta, tb, -2, 0.25f, false);
      }
}

TEST_CASE("simd_gemm with k = 0 scales C by beta", "[kernels]") {
  std::vector<float> c = {1, std::numeric_limits<float>::quiet_NaN(), 3, 4};
  simd_gemm(false, false, 1, {nullptr, 2, 0}, {nullptr, 0, 2}, 0, {c.data(), 2, 2});
  CHECK(c == std::vector<float>{0, 0, 0, 0});
  c = {1, 2, 3, 4};
  simd_gemm(false, true, 1, {nullptr, 2, 0}, {nullptr, 2, 0}, 0.5f, {c.data(), 2, 2});
  CHECK(c == std::vector<float>{0.5f, 1, 1.5f, 2});
}

// The threaded wasm module gives bands of C's columns to its threads (cpu_backend's gemm): each
// band must come out as the whole product's columns, bit for bit, and leave the others alone.
TEST_CASE("simd_gemm_columns: any band of C's columns, bit for bit as the whole product", "[kernels]") {
  CHECK_FALSE(simd_gemm_splits_columns(false, false, 1, 20));  // one row: B read once, whole
  CHECK_FALSE(simd_gemm_splits_columns(false, true, 8, 20));   // a few rows by dot products
  CHECK_FALSE(simd_gemm_splits_columns(false, false, 64, 0));
  for (const shape& s : {shape{64, 3706, 20}, shape{64, 37, 33}, shape{9, 71, 257}, shape{2, 33, 17}})
    for (const bool ta : {false, true})
      for (const bool tb : {false, true}) {
        if (!simd_gemm_splits_columns(ta, tb, s.m, s.k)) continue;
        std::mt19937 random(static_cast<unsigned>(s.n));
        const std::size_t size_a = static_cast<std::size_t>(s.m) * s.k,
                          size_c = static_cast<std::size_t>(s.m) * s.n;
        const std::vector<float> a = random_values(size_a, random),
                                 b = random_values(static_cast<std::size_t>(s.k) * s.n, random),
                                 c0 = random_values(size_c, random);
        const const_matrix_view va{a.data(), ta ? s.k : s.m, ta ? s.m : s.k},
            vb{b.data(), tb ? s.n : s.k, tb ? s.k : s.n};
        std::vector<float> whole = c0, banded = c0;
        simd_gemm(ta, tb, 0.5f, va, vb, 0.25f, {whole.data(), s.m, s.n});
        // Bands as parallel_for cuts them (multiples of 16), and an odd one.
        for (const auto& [first, end] : {std::pair{0, 16}, std::pair{16, 21}, std::pair{21, s.n}}) {
          if (first >= s.n) break;
          simd_gemm_columns(ta, tb, 0.5f, va, vb, 0.25f, {banded.data(), s.m, s.n}, first,
                            std::min(end, s.n) - first);
          for (int i = 0; i < s.m; ++i)
            for (int j = std::min(end, s.n); j < s.n; ++j)
              REQUIRE(banded[static_cast<std::size_t>(i) * s.n + j] ==
                      c0[static_cast<std::size_t>(i) * s.n + j]);
        }
        INFO("m " << s.m << ", n " << s.n << ", k " << s.k << ", transpose " << ta << tb);
        CHECK(banded == whole);
      }
}

// A served model's weights are packed once (simd_pack_b) and multiplied by every batch, a layer's
// bias added by the same product: for any rows, as the reference (with a bias, as C = bias rows
// and beta 1); without a bias, bit for bit as simd_gemm where it takes its panel path; and any
// band of whole panels of C's columns as the whole product's, the other columns untouched.
TEST_CASE("simd_gemm_packed: B packed once, as the reference, the panel path's bits, any band", "[kernels]") {
  const int width = simd_panel_width();
  for (const shape& s : shapes)
    for (const bool tb : {false, true})
      for (const bool with_bias : {false, true}) {
        INFO("m " << s.m << ", n " << s.n << ", k " << s.k << ", B transposed " << tb << ", bias "
                  << with_bias);
        std::mt19937 random(static_cast<unsigned>(s.m * 131 + s.n * 7 + s.k));
        const std::size_t size_c = static_cast<std::size_t>(s.m) * s.n;
        const std::vector<float> a = random_values(static_cast<std::size_t>(s.m) * s.k, random),
                                 b = random_values(static_cast<std::size_t>(s.k) * s.n, random),
                                 bias = random_values(static_cast<std::size_t>(s.n), random);
        const float* biases = with_bias ? bias.data() : nullptr;
        const const_matrix_view av{a.data(), s.m, s.k}, bv{b.data(), tb ? s.n : s.k, tb ? s.k : s.n};
        const packed_b packed = simd_pack_b(tb, bv);
        REQUIRE((packed.k == s.k && packed.n == s.n));
        std::vector<float> c(size_c, std::numeric_limits<float>::quiet_NaN()), bias_rows(size_c, 0.0f);
        if (with_bias)
          for (std::size_t e = 0; e < size_c; ++e) bias_rows[e] = bias[e % static_cast<std::size_t>(s.n)];
        simd_gemm_packed(av, packed, biases, {c.data(), s.m, s.n}, 0, s.n);
        CHECK(worst_error(c, reference_gemm(false, tb, 1, a, b, 1, bias_rows, s)) < 1e-5);
        if (!with_bias && simd_gemm_splits_columns(false, tb, s.m, s.k)) {
          std::vector<float> whole(size_c);
          simd_gemm(false, tb, 1, av, bv, 0, {whole.data(), s.m, s.n});
          CHECK(std::memcmp(whole.data(), c.data(), size_c * sizeof(float)) == 0);
        }
        for (int first = 0; first < s.n; first += 2 * width) {
          const int count = std::min(s.n - first, 3 * width);
          std::vector<float> band(size_c, -7.0f);
          simd_gemm_packed(av, packed, biases, {band.data(), s.m, s.n}, first, count);
          for (std::size_t e = 0; e < size_c; ++e) {
            const int j = static_cast<int>(e % static_cast<std::size_t>(s.n));
            const bool inside = j >= first && j < first + count;
            if (inside ? std::memcmp(&band[e], &c[e], sizeof(float)) != 0 : band[e] != -7.0f)
              FAIL_CHECK("band from " << first << " of " << count << ": column " << j << " is " << band[e]);
          }
        }
      }
}

TEST_CASE("simd_gemm_packed with k = 0 writes zeros, or the biases", "[kernels]") {
  const packed_b packed = simd_pack_b(false, {nullptr, 0, 3});
  std::vector<float> c(6, std::numeric_limits<float>::quiet_NaN());
  simd_gemm_packed({nullptr, 2, 0}, packed, nullptr, {c.data(), 2, 3}, 0, 3);
  CHECK(c == std::vector<float>(6, 0.0f));
  const float bias[3] = {1.5f, -2.0f, 3.0f};
  simd_gemm_packed({nullptr, 2, 0}, packed, bias, {c.data(), 2, 3}, 0, 3);
  CHECK(c == std::vector<float>{1.5f, -2.0f, 3.0f, 1.5f, -2.0f, 3.0f});
}
