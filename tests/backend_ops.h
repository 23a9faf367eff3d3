#pragma once
// What the backend conformance suite (test_backend_ops.cpp) and the CUDA
// training tests share: the backends under test, which each test program
// lists; a workspace that runs one operation in a backend's memory; and
// comparisons within a stated tolerance.
#include <algorithm>
#include <bit>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "aerec/backend/backend.h"
#include "aerec/core/rng.h"
#include "aerec/data/sparse_batch.h"
#include "gradient_check.h"

namespace aerec::testing {

struct backend_under_test {
  std::string name;
  std::unique_ptr<backend> device;
  // Whether it computes on the CPU, as the reference does: held to the
  // cases' host tolerances (often the same bits), else to their device ones.
  bool on_host = true;
  // Another backend under test whose bits it must give, where a case says
  // that they do not depend on how the work is split (the CPU's threads).
  std::string same_bits_as = {};
};

// This test program's backends, in order (defined beside its main).
std::vector<backend_under_test> backends_under_test();

// How close a result must be to the expected one: |actual - expected| within
// relative * |expected|, or within a margin: `absolute`, times the largest
// finite |expected| of the array (at least 1) when `scaled`, for sums whose
// rounding follows the size of their terms. NaN and infinities must be
// matched exactly; all zero means the same bits.
struct tolerance {
  double relative = 0;
  double absolute = 0;
  bool scaled = false;
  double floor = 1;  // the least scale when `scaled`
};
inline constexpr tolerance same_bits{};

inline bool agree(double actual, double expected, double relative, double margin) {
  if (std::isnan(expected)) return std::isnan(actual);
  if (std::isinf(expected)) return actual == expected;
  return std::abs(actual - expected) <= std::max(margin, relative * std::abs(expected));
}

inline void require_matches(std::span<const float> actual, std::span<const float> expected, tolerance t,
                            const std::string& what) {
  INFO(what);
  REQUIRE(actual.size() == expected.size());
  if (t.relative == 0 && t.absolute == 0) {
    for (std::size_t i = 0; i < actual.size(); ++i)
      if (std::bit_cast<std::uint32_t>(actual[i]) != std::bit_cast<std::uint32_t>(expected[i])) {
        INFO("element " << i << " of " << actual.size() << ": " << actual[i] << ", expected the bits of "
                        << expected[i]);
        FAIL("not the same bits");
      }
    return;
  }
  double scale = t.floor;
  if (t.scaled)
    for (const float e : expected)
      if (std::isfinite(e)) scale = std::max(scale, std::abs(static_cast<double>(e)));
  const double margin = t.scaled ? t.absolute * scale : t.absolute;
  for (std::size_t i = 0; i < actual.size(); ++i)
    if (!agree(actual[i], expected[i], t.relative, margin)) {
      INFO("element " << i << " of " << actual.size() << ": " << actual[i] << ", expected " << expected[i]);
      FAIL("outside the tolerance (relative " << t.relative << ", margin " << margin << ")");
    }
}

inline void require_matches(double actual, double expected, tolerance t, const std::string& what) {
  INFO(what << ": " << actual << ", expected " << expected);
  if (t.relative == 0 && t.absolute == 0)
    REQUIRE(std::bit_cast<std::uint64_t>(actual) == std::bit_cast<std::uint64_t>(expected));
  else
    REQUIRE(agree(actual, expected, t.relative,
                  t.scaled ? t.absolute * std::max(t.floor, std::abs(expected)) : t.absolute));
}

inline std::vector<float> nans(std::size_t n) { return std::vector<float>(n, NAN); }

inline std::size_t count(int rows, int cols) { return std::size_t(rows) * std::size_t(cols); }

// A random rows x cols sparse batch, each entry present with probability
// `density`, valued in [0.5, 5], and every third row empty (as users without
// ratings are).
inline sparse_batch random_sparse(rng& random, int rows, int cols, float density) {
  sparse_batch batch;
  batch.cols = cols;
  for (int r = 0; r < rows; ++r) {
    std::vector<std::int32_t> row_cols;
    for (int c = 0; r % 3 != 1 && c < cols; ++c)
      if (random.uniform() < density) row_cols.push_back(c);
    const std::vector<float> values = random_vector(random, row_cols.size(), 0.5f, 5);
    batch.append_row(row_cols, values);
  }
  return batch;
}

// The arrays an operation wrote and the numbers it returned, read back to the host.
struct outcome {
  std::vector<std::vector<float>> arrays;
  std::vector<double> scalars;
};

// One run of an operation in one backend's memory: inputs are copied there,
// outputs start from given values and are read back afterwards in the order
// they were made, with the scalars the operation returned. Its random inputs
// are the same on every backend.
class workspace {
 public:
  explicit workspace(backend& b) : backend_(b) {}
  backend& device() { return backend_; }

  std::vector<float> random(std::size_t n, float lo = -1, float hi = 1) {
    return random_vector(random_, n, lo, hi);
  }
  sparse_batch random_sparse(int rows, int cols, float density) {
    return testing::random_sparse(random_, rows, cols, density);
  }
  // What an output computed as beta * itself + ... starts as: NaN for beta 0,
  // which must overwrite whatever the output held.
  std::vector<float> start(float beta, std::size_t n) { return beta == 0 ? nans(n) : random(n); }

  const float* in(const std::vector<float>& host) { return copy(host); }
  const_matrix_view in(const std::vector<float>& host, int rows, int cols) {
    return {copy(host), rows, cols};
  }
  sparse_view in(const sparse_batch& batch) {
    sparse_.emplace_back().assign(backend_, batch);
    return sparse_.back().view();
  }
  float* out(const std::vector<float>& start) {
    outputs_.push_back(arrays_.size());
    return copy(start);
  }
  matrix_view out(const std::vector<float>& start, int rows, int cols) { return {out(start), rows, cols}; }
  void returned(double value) { scalars_.push_back(value); }

  outcome read_back() const {
    outcome o{{}, scalars_};
    for (const std::size_t i : outputs_) o.arrays.push_back(arrays_[i].download());
    return o;
  }

 private:
  float* copy(const std::vector<float>& host) {
    arrays_.emplace_back(backend_, host.size());
    arrays_.back().upload(host);
    return arrays_.back().data();
  }

  backend& backend_;
  rng random_{7};
  std::deque<device_array<float>> arrays_;
  std::deque<device_sparse> sparse_;
  std::vector<std::size_t> outputs_;
  std::vector<double> scalars_;
};

// Every output and returned value of `actual` matches `expected`'s.
inline void require_matches(const outcome& actual, const outcome& expected, tolerance t,
                            const std::string& what) {
  REQUIRE(actual.arrays.size() == expected.arrays.size());
  REQUIRE(actual.scalars.size() == expected.scalars.size());
  for (std::size_t k = 0; k < expected.arrays.size(); ++k)
    require_matches(actual.arrays[k], expected.arrays[k], t, what + ", output " + std::to_string(k));
  for (std::size_t k = 0; k < expected.scalars.size(); ++k)
    require_matches(actual.scalars[k], expected.scalars[k], t,
                    what + ", returned value " + std::to_string(k));
}

}  // namespace aerec::testing
