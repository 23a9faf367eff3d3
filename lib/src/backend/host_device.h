#pragma once
// Element-wise math is written once and compiled for every backend: plain
// inline functions on the CPU, __host__ __device__ under nvcc.
#ifdef __CUDACC__
#define AEREC_HOST_DEVICE __host__ __device__
#else
#define AEREC_HOST_DEVICE
#endif
