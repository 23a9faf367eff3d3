#pragma once
// What the CUDA tests share: the backend under test, a workspace that runs one
// operation in a backend's memory, random fixtures and tolerant comparisons.
#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>
#include <deque>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "aerec/backend/cpu_backend.h"
#include "aerec/backend/cuda_backend.h"
#include "aerec/data/sparse_batch.h"
#include "gradient_check.h"

namespace aerec::testing {

// The backend under test, everywhere in these tests. Without a GPU, returning
// make_reference_backend() here (and not skipping in main.cpp) checks the tests themselves.
inline std::unique_ptr<backend> device_backend() { return make_cuda_backend(); }

// The backend the device is compared with, and the device.
struct backend_pair {
  std::unique_ptr<backend> cpu = make_cpu_backend(1);
  std::unique_ptr<backend> device = device_backend();
};

// Whether a device result agrees with the CPU's: within 1e-4 relatively, or
// `margin` absolutely (for results near 0 that are sums of larger terms); a
// NaN or infinity where the CPU has the same.
inline bool agree(double actual, double expected, double margin) {
  if (std::isnan(expected) || std::isinf(expected)) return std::isnan(expected) ? std::isnan(actual) : actual == expected;
  return actual == Approx(expected).epsilon(1e-4).margin(margin);
}

// Every element agrees; the margin is margin_scale times the largest finite
// |expected| (at least scale_floor), so that it follows the size of what was summed.
inline void require_matches(std::span<const float> actual, std::span<const float> expected,
                            double margin_scale, const std::string& what, double scale_floor = 1) {
  INFO(what);
  REQUIRE(actual.size() == expected.size());
  double scale = scale_floor;
  for (const float e : expected)
    if (std::isfinite(e)) scale = std::max(scale, std::abs(static_cast<double>(e)));
  const double margin = margin_scale * scale;
  for (std::size_t i = 0; i < actual.size(); ++i)
    if (!agree(actual[i], expected[i], margin)) {
      INFO("element " << i << " of " << actual.size() << ": device " << actual[i] << ", cpu " << expected[i]);
      REQUIRE(actual[i] == Approx(expected[i]).epsilon(1e-4).margin(margin));
    }
}

inline void require_matches(double actual, double expected, const std::string& what) {
  INFO(what << ": device " << actual << ", cpu " << expected);
  REQUIRE(agree(actual, expected, 1e-6 * std::max(1.0, std::abs(expected))));
}

// The arrays an operation wrote and the numbers it returned, read back to the host.
struct outcome {
  std::vector<std::vector<float>> arrays;
  std::vector<double> scalars;
};

// One run of an operation in one backend's memory: inputs are copied there,
// outputs start from given values and are read back afterwards in the order
// they were made, with the scalars the operation returned.
class workspace {
 public:
  explicit workspace(backend& b) : backend_(b) {}
  backend& device() { return backend_; }

  const float* in(const std::vector<float>& host) { return copy(host); }
  const_matrix_view in(const std::vector<float>& host, int rows, int cols) { return {copy(host), rows, cols}; }
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
  std::deque<device_array<float>> arrays_;
  std::deque<device_sparse> sparse_;
  std::vector<std::size_t> outputs_;
  std::vector<double> scalars_;
};

// Runs `op(workspace&)` on the CPU and on the device and requires the same
// results (margin_scale: see require_matches).
template <class Op>
void require_same(backend_pair& on, const std::string& what, Op&& op, double margin_scale = 1e-5) {
  const auto run = [&](backend& b) {
    workspace w(b);
    op(w);
    return w.read_back();
  };
  const outcome expected = run(*on.cpu);
  const outcome actual = run(*on.device);
  REQUIRE(actual.arrays.size() == expected.arrays.size());
  REQUIRE(actual.scalars.size() == expected.scalars.size());
  for (std::size_t k = 0; k < expected.arrays.size(); ++k)
    require_matches(actual.arrays[k], expected.arrays[k], margin_scale, what + ", output " + std::to_string(k));
  for (std::size_t k = 0; k < expected.scalars.size(); ++k)
    require_matches(actual.scalars[k], expected.scalars[k], what + ", returned value " + std::to_string(k));
}

inline std::vector<float> nans(std::size_t n) { return std::vector<float>(n, NAN); }

// A random rows x cols sparse batch, each entry present with probability
// `density`, and every third row empty (as users without ratings are).
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

}  // namespace aerec::testing
