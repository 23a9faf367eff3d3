#pragma once
// cuBLAS, opened the first time a CUDA backend needs it rather than linked: loading it maps
// cuBLASLt's kernel tables, about 200 MiB of resident memory and a tenth of a second, which
// every command of a CUDA build paid even on the CPU (internal).
#include <cublas_v2.h>

namespace aerec::cuda {

// The cuBLAS functions the backend calls; cublas_v2.h's names (cublasCreate is cublasCreate_v2).
struct cublas_functions {
  decltype(&::cublasCreate) create;
  decltype(&::cublasDestroy) destroy;
  decltype(&::cublasScopy) copy;
  decltype(&::cublasSscal) scal;
  decltype(&::cublasSaxpy) axpy;
  decltype(&::cublasSdot) dot;
  decltype(&::cublasSgemm) gemm;
  decltype(&::cublasGetStatusName) status_name;
  decltype(&::cublasGetStatusString) status_string;
};

// Loads cuBLAS once (thread-safe); throws error_code::device_error naming the library and the
// loader's reason when it is missing or lacks a function.
const cublas_functions& cublas();

}  // namespace aerec::cuda
