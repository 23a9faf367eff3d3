#pragma once
// Element-wise math is written once and compiled for every backend: plain
// inline functions on the CPU, __host__ __device__ under nvcc.
#include <cstddef>

#ifdef __CUDACC__
#define AEREC_HOST_DEVICE __host__ __device__
#else
#define AEREC_HOST_DEVICE
#endif

namespace aerec::math {

// The index of element (row, col) of a row-major matrix with `cols` columns.
AEREC_HOST_DEVICE inline std::size_t element(int row, int cols, int col) {
  return static_cast<std::size_t>(row) * static_cast<std::size_t>(cols) + static_cast<std::size_t>(col);
}

}  // namespace aerec::math
