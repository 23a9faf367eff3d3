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

// Whether simd_gemm computes this product in panels of B (more than a few rows, k > 0), where
// C's columns can go to separate threads: a column's sums do not depend on the band it is in.
bool simd_gemm_splits_columns(bool transpose_a, bool transpose_b, int rows, int depth);

// simd_gemm's C columns [first, first + count) alone, bit for bit, the rest of C untouched; for
// the products simd_gemm_splits_columns accepts.
void simd_gemm_columns(bool transpose_a, bool transpose_b, float alpha, const_matrix_view a,
                       const_matrix_view b, float beta, matrix_view c, int first, int count);

}  // namespace aerec
