#pragma once
// Every CUDA and cuBLAS call is checked: a failure throws
// error_code::device_error naming the file, the line, the call and CUDA's own
// error string (internal).
#include <cublas_v2.h>
#include <cuda_runtime.h>

namespace aerec::cuda {

void check(cudaError_t status, const char* call, const char* file, int line);
void check(cublasStatus_t status, const char* call, const char* file, int line);

}  // namespace aerec::cuda

#define AEREC_CUDA_CHECK(call) ::aerec::cuda::check((call), #call, __FILE__, __LINE__)
// After a kernel launch: launch errors (bad configuration) surface here.
#define AEREC_CUDA_LAUNCHED() ::aerec::cuda::check(cudaGetLastError(), "kernel launch", __FILE__, __LINE__)
