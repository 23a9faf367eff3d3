#pragma once
// A portable SIMD matrix product, written once with GCC/Clang vector
// extensions: AVX with -march=native, SIMD128 in WebAssembly (where Eigen has
// no vector path), SSE or NEON otherwise. One thread; no FMA assumed.
#include "aerec/backend/backend.h"

namespace aerec {

// C = alpha * op(A) * op(B) + beta * C, as backend::gemm: row-major views,
// op transposing when asked, beta = 0 overwriting C (NaN included).
void simd_gemm(bool transpose_a, bool transpose_b, float alpha, const_matrix_view a, const_matrix_view b,
               float beta, matrix_view c);

}  // namespace aerec
