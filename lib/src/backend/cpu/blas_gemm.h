#pragma once
// One band of a matrix product through OpenBLAS's sgemm, natively where the
// build has it (AEREC_OPENBLAS): at the products a batch makes (a few hundred
// rows by a few hundred to a few thousand columns) it runs 1.2-1.5x Eigen's
// kernel on this machine's AVX-512 (bench/train-seq.sh measures the effect).
#include <cstddef>

#include "aerec/backend/backend.h"

namespace aerec {

// C's rows [first, first + band) of alpha * op(A) op(B) + beta * C, or its
// columns when `by_columns`, as backend::gemm (row-major; beta = 0 overwrites
// C, NaN included). OpenBLAS runs single-threaded: aerec's threads own the bands.
void blas_gemm_band(bool transpose_a, bool transpose_b, float alpha, const_matrix_view a, const_matrix_view b,
                    float beta, matrix_view c, bool by_columns, std::size_t first, std::size_t band);

}  // namespace aerec
