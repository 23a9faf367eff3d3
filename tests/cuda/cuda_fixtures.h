#pragma once
// What the CUDA tests share: the backend under test, and the CPU backend that
// whole training runs are compared with (backend_ops.h: comparisons).
#include <memory>

#include "aerec/backend/cpu_backend.h"
#include "aerec/backend/cuda_backend.h"
#include "backend_ops.h"

namespace aerec::testing {

// The backend under test, everywhere in these tests. Without a GPU, returning
// make_reference_backend() here (and not skipping in main.cpp) checks the tests themselves.
inline std::unique_ptr<backend> device_backend() { return make_cuda_backend(); }

// The backend the device is compared with, and the device.
struct backend_pair {
  std::unique_ptr<backend> cpu = make_cpu_backend(1);
  std::unique_ptr<backend> device = device_backend();
};

// A training figure: within 1e-4 relatively, or 1e-6 of its size (at least 1).
inline void require_matches(double actual, double expected, const std::string& what) {
  require_matches(actual, expected, tolerance{1e-4, 1e-6, true}, what);
}

}  // namespace aerec::testing
