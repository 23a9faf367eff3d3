#include "backend/cpu/blas_gemm.h"

#include <cblas.h>

#include <algorithm>

namespace aerec {

void blas_gemm_band(bool transpose_a, bool transpose_b, float alpha, const_matrix_view a, const_matrix_view b,
                    float beta, matrix_view c, bool by_columns, std::size_t first, std::size_t band) {
  // OpenBLAS would otherwise split each product across a thread per core,
  // beneath aerec's threads that already split it.
  static const bool single_threaded = (openblas_set_num_threads(1), true);
  (void)single_threaded;
  const int rows = by_columns ? c.rows : static_cast<int>(band);
  const int cols = by_columns ? static_cast<int>(band) : c.cols;
  const int depth = transpose_a ? a.rows : a.cols;
  if (rows == 0 || cols == 0) return;
  // BLAS asks for leading dimensions of at least 1, even of an empty operand.
  const int lda = std::max(a.cols, 1), ldb = std::max(b.cols, 1), ldc = std::max(c.cols, 1);
  const auto rows_in = [first](int stride) { return first * static_cast<std::size_t>(stride); };
  // A band of C's rows takes the same rows of op(A) (columns of A when it is
  // transposed); a band of columns the same columns of op(B).
  const float* a_band = a.data + (by_columns ? 0 : transpose_a ? first : rows_in(lda));
  const float* b_band = b.data + (!by_columns ? 0 : transpose_b ? rows_in(ldb) : first);
  float* c_band = c.data + (by_columns ? first : rows_in(ldc));
  cblas_sgemm(CblasRowMajor, transpose_a ? CblasTrans : CblasNoTrans, transpose_b ? CblasTrans : CblasNoTrans,
              rows, cols, depth, alpha, a_band, lda, b_band, ldb, beta, c_band, ldc);
}

}  // namespace aerec
