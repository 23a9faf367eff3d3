#include "backend/cuda/cuda_check.h"

#include <string>

#include "aerec/core/error.h"
#include "backend/cuda/cublas_library.h"

namespace aerec::cuda {

namespace {
[[noreturn]] void fail(const char* call, const char* file, int line, const std::string& reason) {
  throw error(error_code::device_error,
              std::string(file) + ":" + std::to_string(line) + ": " + call + " failed: " + reason);
}
}  // namespace

void check(cudaError_t status, const char* call, const char* file, int line) {
  if (status == cudaSuccess) return;
  cudaGetLastError();  // clears a non-sticky error, so that the backend stays usable after it
  fail(call, file, line, std::string(cudaGetErrorName(status)) + ": " + cudaGetErrorString(status));
}

void check(cublasStatus_t status, const char* call, const char* file, int line) {
  if (status == CUBLAS_STATUS_SUCCESS) return;
  fail(call, file, line, std::string(cublas().status_name(status)) + ": " + cublas().status_string(status));
}

}  // namespace aerec::cuda
