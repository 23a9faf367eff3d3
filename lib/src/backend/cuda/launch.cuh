#pragma once
// Launch shapes and block reductions shared by the CUDA backend's kernels
// (internal). The kernels take device lambdas (nvcc --extended-lambda), so
// that each operation states its per-element arithmetic once, beside its
// host-side checks.
#include <cstddef>

#include "aerec/backend/backend.h"
#include "backend/cuda/cuda_check.h"

namespace aerec::cuda {

inline constexpr int block_threads = 256;

__device__ inline double warp_sum(double v) {
  for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_down_sync(0xffffffffu, v, offset);
  return v;
}

__device__ inline float warp_sum(float v) {
  for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_down_sync(0xffffffffu, v, offset);
  return v;
}

__device__ inline float warp_max(float v) {
  for (int offset = 16; offset > 0; offset >>= 1) v = fmaxf(v, __shfl_down_sync(0xffffffffu, v, offset));
  return v;
}

// The sum (or max) of v over the block, in every thread. Every thread of the
// block must call it; blockDim.x is a multiple of 32.
__device__ inline double block_sum(double v) {
  __shared__ double partial[32];
  __shared__ double result;
  v = warp_sum(v);
  __syncthreads();  // an earlier call may still be reading partial
  if (threadIdx.x % 32 == 0) partial[threadIdx.x / 32] = v;
  __syncthreads();
  if (threadIdx.x < 32) {
    v = threadIdx.x < blockDim.x / 32 ? partial[threadIdx.x] : 0.0;
    v = warp_sum(v);
    if (threadIdx.x == 0) result = v;
  }
  __syncthreads();
  return result;
}

// The sum of f(t) for t in [0, n), the block's threads striding over t; in every thread.
template <class F>
__device__ double block_sum_of(int n, F f) {
  double sum = 0;
  for (int t = threadIdx.x; t < n; t += blockDim.x) sum += f(t);
  return block_sum(sum);
}

__device__ inline float block_max(float v) {
  __shared__ float partial[32];
  __shared__ float result;
  v = warp_max(v);
  __syncthreads();
  if (threadIdx.x % 32 == 0) partial[threadIdx.x / 32] = v;
  __syncthreads();
  if (threadIdx.x < 32) {
    v = threadIdx.x < blockDim.x / 32 ? partial[threadIdx.x] : -INFINITY;
    v = warp_max(v);
    if (threadIdx.x == 0) result = v;
  }
  __syncthreads();
  return result;
}

// beta * x, where beta 0 overwrites (x may hold NaN), as the CPU backends do.
__host__ __device__ inline float scaled(float beta, float x) { return beta == 0 ? 0.0f : beta * x; }

template <class F>
__global__ void each_index_kernel(std::size_t n, F f) {
  for (std::size_t i = blockIdx.x * std::size_t(blockDim.x) + threadIdx.x; i < n;
       i += std::size_t(gridDim.x) * blockDim.x)
    f(i);
}

// f(i) for i in [0, n).
template <class F>
void each_index(std::size_t n, F f) {
  if (n == 0) return;
  const std::size_t blocks = (n + block_threads - 1) / block_threads;
  each_index_kernel<<<static_cast<unsigned>(blocks < 8192 ? blocks : 8192), block_threads>>>(n, f);
  AEREC_CUDA_LAUNCHED();
}

// x = beta * x over n elements.
inline void scale(float* x, std::size_t n, float beta) {
  if (beta == 1) return;
  each_index(n, [=] __device__(std::size_t i) { x[i] = scaled(beta, x[i]); });
}

template <class F>
__global__ void sum_kernel(std::size_t n, F f, double* total) {
  double v = 0;
  for (std::size_t i = blockIdx.x * std::size_t(blockDim.x) + threadIdx.x; i < n;
       i += std::size_t(gridDim.x) * blockDim.x)
    v += f(i);
  v = block_sum(v);
  if (threadIdx.x == 0) atomicAdd(total, v);
}

// *total += sum of f(i) for i in [0, n) (f may also write outputs).
template <class F>
void sum_into(std::size_t n, F f, double* total) {
  if (n == 0) return;
  const std::size_t blocks = (n + block_threads - 1) / block_threads;
  sum_kernel<<<static_cast<unsigned>(blocks < 2048 ? blocks : 2048), block_threads>>>(n, f, total);
  AEREC_CUDA_LAUNCHED();
}

template <class F>
__global__ void each_cell_kernel(int rows, int cols, F f) {
  const int j = blockIdx.y * blockDim.x + threadIdx.x;
  if (j < cols) f(static_cast<int>(blockIdx.x), j);
}

// f(i, j) for every cell of a rows x cols matrix; a block covers part of a row.
template <class F>
void each_cell(int rows, int cols, F f) {
  if (rows == 0 || cols == 0) return;
  const dim3 grid(static_cast<unsigned>(rows),
                  static_cast<unsigned>((cols + block_threads - 1) / block_threads));
  each_cell_kernel<<<grid, block_threads>>>(rows, cols, f);
  AEREC_CUDA_LAUNCHED();
}

template <class Init, class Entry, class Finish>
__global__ void row_entries_kernel(sparse_view x, int cols, Init init, Entry entry, Finish finish) {
  __shared__ int index[block_threads];
  __shared__ float value[block_threads];
  const int r = blockIdx.x, j = blockIdx.y * blockDim.x + threadIdx.x;
  const int row_begin = x.offsets[r], length = x.offsets[r + 1] - row_begin;
  const int begin = row_begin + static_cast<int>(static_cast<long long>(length) * blockIdx.z / gridDim.z);
  const int end = row_begin + static_cast<int>(static_cast<long long>(length) * (blockIdx.z + 1) / gridDim.z);
  float acc = j < cols ? init(r, j) : 0.0f;
  for (int chunk = begin; chunk < end; chunk += blockDim.x) {
    if (chunk + threadIdx.x < end) {
      index[threadIdx.x] = x.cols_index[chunk + threadIdx.x];
      value[threadIdx.x] = x.values[chunk + threadIdx.x];
    }
    __syncthreads();
    const int staged = min(end - chunk, static_cast<int>(blockDim.x));
    if (j < cols)
      for (int t = 0; t < staged; ++t) entry(acc, index[t], value[t], j);
    __syncthreads();
  }
  if (j < cols) finish(acc, r, j);
}

// Into how many parts each_cell_over_row_entries splits x's rows: rows of
// many entries are split, so that a batch of few rows still fills the GPU.
inline int row_parts(const sparse_view& x) {
  const int per_row = x.rows > 0 ? x.nnz / x.rows : 0;
  return per_row < 64 ? 1 : (per_row < 256 ? per_row / 32 : 8);
}

// For each cell (r, j) of an x.rows x cols matrix and each of `parts` parts
// of x's row r: acc = init(r, j), then entry(acc, c, v, j) for each entry
// (c, v) of the part, in order, then finish(acc, r, j). A block covers part of
// a row and stages its entries in shared memory, so that its threads read each
// index once.
template <class Init, class Entry, class Finish>
void each_cell_over_row_entries(const sparse_view& x, int cols, int parts, Init init, Entry entry,
                                Finish finish) {
  if (x.rows == 0 || cols == 0) return;
  const dim3 grid(static_cast<unsigned>(x.rows),
                  static_cast<unsigned>((cols + block_threads - 1) / block_threads),
                  static_cast<unsigned>(parts));
  row_entries_kernel<<<grid, block_threads>>>(x, cols, init, entry, finish);
  AEREC_CUDA_LAUNCHED();
}

template <class F>
__global__ void each_row_kernel(F f) {
  f(static_cast<int>(blockIdx.x));
}

// f(i) run by a whole block for each row i: f strides its threads over the
// row's work and may call block_sum.
template <class F>
void each_row(int rows, F f) {
  if (rows == 0) return;
  each_row_kernel<<<static_cast<unsigned>(rows), block_threads>>>(f);
  AEREC_CUDA_LAUNCHED();
}

inline constexpr int column_tile = 32, column_lanes = 8;

template <class F, class Finish>
__global__ void column_sum_kernel(int rows, int cols, F f, Finish finish) {
  __shared__ double partial[column_lanes][column_tile + 1];
  const int j = blockIdx.x * column_tile + threadIdx.x;
  double v = 0;
  if (j < cols)
    for (int i = threadIdx.y; i < rows; i += column_lanes) v += f(i, j);
  partial[threadIdx.y][threadIdx.x] = v;
  __syncthreads();
  if (threadIdx.y == 0 && j < cols) {
    for (int lane = 1; lane < column_lanes; ++lane) v += partial[lane][threadIdx.x];
    finish(j, v);
  }
}

// finish(j, sum over i of f(i, j)) for each column j of a rows x cols matrix;
// reading along rows keeps a warp's loads contiguous.
template <class F, class Finish>
void column_sums_of(int rows, int cols, F f, Finish finish) {
  if (cols == 0) return;
  const dim3 block(column_tile, column_lanes);
  column_sum_kernel<<<static_cast<unsigned>((cols + column_tile - 1) / column_tile), block>>>(rows, cols, f,
                                                                                              finish);
  AEREC_CUDA_LAUNCHED();
}

}  // namespace aerec::cuda
