// The CUDA backend's tests need a GPU. Without one they cannot run: they say
// why and exit with 77, which ctest reports as skipped, never as passed.
#include <cstdio>
#include <string>

#include "aerec/backend/cuda_backend.h"
#include "catch_session.h"

int main(int argc, char** argv) {
  std::string why;
  if (aerec::cuda_device_count(&why) == 0) {
    std::fprintf(stderr,
                 "aerec_cuda_tests: skipped: its tests (the CUDA backend against the CPU's, and each "
                 "command's --device cuda against --device cpu) need a GPU, and here there is %s\n",
                 why.c_str());
    return 77;
  }
  return aerec::testing::run_catch(argc, argv);
}
