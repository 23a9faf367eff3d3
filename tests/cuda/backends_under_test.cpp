// aerec_cuda_tests' backend for the conformance suite (test_backend_ops.cpp).
#include "cuda/cuda_fixtures.h"

namespace aerec::testing {

std::vector<backend_under_test> backends_under_test() {
  std::vector<backend_under_test> all;
  all.push_back({"cuda", device_backend(), false});
  return all;
}

}  // namespace aerec::testing
