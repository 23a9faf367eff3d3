// Finding a usable GPU (the CUDA build's side of cuda_backend.h).
#include <cuda_runtime.h>

#include "aerec/backend/cuda_backend.h"
#include "aerec/core/error.h"
#include "backend/cuda/cuda_backend_impl.h"

namespace aerec {

bool cuda_built() { return true; }

int cuda_device_count(std::string* why) {
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess) {
    cudaGetLastError();
    // Without a GPU or its driver CUDA says "driver version is insufficient": say what that usually means.
    if (why)
      *why = std::string("no usable CUDA device: no GPU, or no NVIDIA driver for it (CUDA: ") +
             cudaGetErrorName(status) + ": " + cudaGetErrorString(status) + ")";
    return 0;
  }
  if (count == 0 && why) *why = "no CUDA device";
  return count;
}

std::unique_ptr<backend> make_cuda_backend(int device) {
  std::string why;
  const int count = cuda_device_count(&why);
  if (count == 0) throw error(error_code::device_error, why);
  return cuda::make_backend_on(device % count);
}

}  // namespace aerec
