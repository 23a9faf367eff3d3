// cuBLAS, opened on first use (src/backend/cuda/cublas_library.h): it loads from this build's
// toolkit and has every function the backend calls, with or without a GPU.
#include <catch2/catch.hpp>
#include <string>

#include "backend/cuda/cublas_library.h"

TEST_CASE("cuBLAS opens on first use, with the functions the CUDA backend calls", "[cuda][cublas]") {
  const aerec::cuda::cublas_functions& f = aerec::cuda::cublas();
  cublasHandle_t handle = nullptr;
  const cublasStatus_t status = f.create(&handle);
  // Without a GPU cuBLAS refuses to start, and says so in its own words; with one it starts.
  INFO("cublasCreate: " << f.status_name(status) << ": " << f.status_string(status));
  CHECK(std::string(f.status_name(status)).rfind("CUBLAS_STATUS_", 0) == 0);
  if (status == CUBLAS_STATUS_SUCCESS) CHECK(f.destroy(handle) == CUBLAS_STATUS_SUCCESS);
  CHECK(f.copy);
  CHECK(f.scal);
  CHECK(f.axpy);
  CHECK(f.dot);
  CHECK(f.gemm);
}
