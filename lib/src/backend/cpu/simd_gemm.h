#pragma once
// A portable SIMD matrix product, written once with GCC/Clang vector
// extensions: AVX with -march=native, SIMD128 in WebAssembly (where Eigen has
// no vector path), SSE or NEON otherwise. One thread; no FMA assumed.
#include "aerec/backend/backend.h"
#include "core/line_aligned.h"

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

// op(B) (k x n) packed once for many products with it (a served model's
// weights): its panels, depth block by depth block, as simd_gemm's panel path
// packs them for each product.
struct packed_b {
  int k = 0, n = 0;
  line_aligned_vector<float> panels;
};
packed_b simd_pack_b(bool transpose_b, const_matrix_view b);

// C's columns [first, first + count) = A * op(B) + bias for B packed by
// simd_pack_b (A not transposed, C overwritten, `bias` C's n biases or null
// for none): each entry's sums in the panel path's order, so without a bias
// the same bits as simd_gemm where it takes that path (more than a few rows);
// a bias is the first term of each sum. `first` is a multiple of
// simd_panel_width().
void simd_gemm_packed(const_matrix_view a, const packed_b& b, const float* bias, matrix_view c, int first,
                      int count);
int simd_panel_width();

}  // namespace aerec
