// The CUDA entry points of a build without CUDA (AEREC_CUDA=OFF).
#include "aerec/backend/cuda_backend.h"
#include "aerec/core/error.h"

namespace aerec {

namespace {
const char* const not_built =
    "this aerec was built without CUDA (configure with -DAEREC_CUDA=ON, preset native-cuda)";
}

bool cuda_built() { return false; }

int cuda_device_count(std::string* why) {
  if (why) *why = not_built;
  return 0;
}

std::unique_ptr<backend> make_cuda_backend(int) { throw error(error_code::device_error, not_built); }

}  // namespace aerec
