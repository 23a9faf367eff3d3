#include "backend/cpu/simd_gemm.h"

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <vector>

#include "aerec/core/error.h"

namespace aerec {

namespace {

using index = std::ptrdiff_t;

// The widest float vector the target has: 8 with AVX, else 4 (SSE, NEON, wasm SIMD128).
#if defined(__AVX__)
#define AEREC_SIMD_LANES 8
#else
#define AEREC_SIMD_LANES 4
#endif
constexpr int lanes = AEREC_SIMD_LANES;
typedef float vf __attribute__((vector_size(lanes * sizeof(float))));
typedef float v4 __attribute__((vector_size(4 * sizeof(float))));

// Tile shapes: MR rows of C by NV vectors, MR * NV accumulators in registers
// (V8 gives wasm 15 of x64's 16 vector registers; AVX has 16). In V8, 4 x 2
// runs at ~85% of SIMD128's peak; wider tiles spill.
#if AEREC_SIMD_LANES == 8
constexpr int tile_rows = 6, tile_vectors = 2;
#else
constexpr int tile_rows = 4, tile_vectors = 2;
#endif
// Blocks of the product: a packed panel of B (block_depth x NV vectors) stays
// in L1, A's block (rows x block_depth) and B's (block_depth x block_cols) in L2.
constexpr index block_depth = 256;
constexpr int block_cols = 256;
// Up to this many rows, A * Bt^T goes by dot products, without packing Bt; at
// 64 rows, packing it into panels is faster.
constexpr int dot_rows_max = 8;
// One row times Bt^T reads Bt's rows one after another from this depth (2 KiB
// rows at 512), four side by side below it (short rows: one stream anyway).
constexpr int stream_depth_min = 64;

// Unaligned vector loads and stores (vf, or v4 where four lanes are wanted).
template <class V = vf>
V load(const float* p) {
  V v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
template <class V>
void store(float* p, V v) {
  std::memcpy(p, &v, sizeof v);
}
inline vf splat(float x) {
#if AEREC_SIMD_LANES == 8
  return vf{x, x, x, x, x, x, x, x};
#else
  return vf{x, x, x, x};
#endif
}

// op(X)(i, j) is at data + i * row_step + j * col_step.
struct operand {
  const float* data;
  index row_step, col_step;
  const float* at(index i, index j) const { return data + i * row_step + j * col_step; }
};

operand as_operand(const_matrix_view x, bool transposed) {
  return transposed ? operand{x.data, 1, x.cols} : operand{x.data, x.cols, 1};
}

// How a block of sums lands in C: c = alpha * sum + beta * c, or alpha * sum
// when overwriting (C's old value, NaN included, then never read).
struct update {
  float alpha, beta;
  bool overwrite;
};

inline float updated(float sum, const float* c, update u) {
  return u.overwrite ? u.alpha * sum : u.alpha * sum + u.beta * *c;
}
template <class V>
V updated(V sum, const float* c, update u) {
  return u.overwrite ? u.alpha * sum : u.alpha * sum + u.beta * load<V>(c);
}

// The 4 x 4 matrix with rows x0 .. x3, transposed in place.
inline void transpose(v4& x0, v4& x1, v4& x2, v4& x3) {
  const v4 t0 = __builtin_shufflevector(x0, x1, 0, 4, 1, 5);
  const v4 t1 = __builtin_shufflevector(x0, x1, 2, 6, 3, 7);
  const v4 t2 = __builtin_shufflevector(x2, x3, 0, 4, 1, 5);
  const v4 t3 = __builtin_shufflevector(x2, x3, 2, 6, 3, 7);
  x0 = __builtin_shufflevector(t0, t2, 0, 1, 4, 5);
  x1 = __builtin_shufflevector(t0, t2, 2, 3, 6, 7);
  x2 = __builtin_shufflevector(t1, t3, 0, 1, 4, 5);
  x3 = __builtin_shufflevector(t1, t3, 2, 3, 6, 7);
}

// Lanes 4h .. 4h + 3 of x.
template <int H>
inline v4 quarter(vf x) {
#if AEREC_SIMD_LANES == 8
  return __builtin_shufflevector(x, x, 4 * H, 4 * H + 1, 4 * H + 2, 4 * H + 3);
#else
  static_assert(H == 0);
  return x;
#endif
}

// N vectors of sums' first values, `cols` of them from C's biases at `bias`
// (the rest 0), or all 0 without a bias: a served layer's bias added by the
// product (a pass over C spared), the first thing in each sum.
template <int N>
void initial_sums(const float* bias, int cols, vf (&sums)[N]) {
  if (!bias) {
    for (vf& v : sums) v = vf{};
  } else if (cols == N * lanes) {
    for (int v = 0; v < N; ++v) sums[v] = load(bias + v * lanes);
  } else {
    float padded[N * lanes] = {};
    std::memcpy(padded, bias, static_cast<std::size_t>(cols) * sizeof(float));
    std::memcpy(sums, padded, sizeof padded);
  }
}

// C's rows x cols tile (rows <= MR, cols <= NV * lanes) from kc steps: op(A)'s
// rows packed MR-interleaved at `a` (step k's MR values at a + k * MR), the
// packed panel of op(B) at `b` (step k's NV vectors at b + k * NV * lanes);
// the sums begin at the biases at `bias`, unless null.
template <int MR, int NV>
void tile(index kc, const float* a, const float* b, float* c, index ldc, int rows, int cols, update u,
          const float* bias = nullptr) {
  vf sum[MR][NV];
  initial_sums(bias, cols, sum[0]);
  for (int i = 1; i < MR; ++i) std::memcpy(sum[i], sum[0], sizeof sum[0]);
  for (index k = 0; k < kc; ++k, a += MR, b += NV * lanes) {
    vf bk[NV];
    for (int v = 0; v < NV; ++v) bk[v] = load(b + v * lanes);
    for (int i = 0; i < MR; ++i) {
      const vf aik = splat(a[i]);
      for (int v = 0; v < NV; ++v) sum[i][v] += aik * bk[v];
    }
  }
  if (rows == MR && cols == NV * lanes) {
    for (int i = 0; i < MR; ++i)
      for (int v = 0; v < NV; ++v) {
        float* p = c + i * ldc + v * lanes;
        store(p, updated(sum[i][v], p, u));
      }
    return;
  }
  float partial[MR][NV * lanes];
  std::memcpy(partial, sum, sizeof partial);
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < cols; ++j) c[i * ldc + j] = updated(partial[i][j], c + i * ldc + j, u);
}

// op(A)'s rows i0 .. i0 + MR (zero past `rows`), steps k0 .. k0 + kc, interleaved:
// step k's MR values together, so that the tile reads one stream.
template <int MR>
void pack_rows(operand a, int i0, int rows, index k0, index kc, float* out) {
  for (index k = 0; k < kc; ++k)
    for (int i = 0; i < MR; ++i) out[k * MR + i] = i < rows ? *a.at(i0 + i, k0 + k) : 0.0f;
}

// op(A)'s m rows in tiles of MR (pack_rows), MR * kc apart.
template <int MR>
void pack_row_tiles(operand a, int m, index k0, index kc, float* out) {
  for (int t = 0; t * MR < m; ++t)
    pack_rows<MR>(a, t * MR, std::min(MR, m - t * MR), k0, kc, out + t * MR * kc);
}

// pack_row_tiles' room for m rows of depth k, a depth block at a time.
template <int MR>
std::size_t row_tiles_room(int m, index k) {
  return static_cast<std::size_t>((m + MR - 1) / MR * MR * std::min(k, block_depth));
}

// C's m rows x columns of panels [p0, p1) (stride apart at `panels`; C's
// columns end at n) from op(A)'s row tiles packed by pack_row_tiles.
template <int MR, int NV>
void tile_panels(index kc, const float* packed_a, int m, const float* panels, index stride, int p0, int p1,
                 int n, float* c, index ldc, update u, const float* bias = nullptr) {
  constexpr int width = NV * lanes;
  for (int p = p0; p < p1; ++p)
    for (int t = 0; t * MR < m; ++t)
      tile<MR, NV>(kc, packed_a + t * MR * kc, panels + p * stride, c + t * MR * ldc + p * width, ldc,
                   std::min(MR, m - t * MR), std::min(width, n - p * width), u,
                   bias ? bias + p * width : nullptr);
}

// Transposed B's kc x cols block at (k0, j0) (B's rows are the panel's
// columns) as a panel `width` wide, zero-padded: four rows by four steps at a time.
void pack_transposed_panel(operand b, index k0, index kc, int j0, int cols, int width, float* out) {
  int j = 0;
  for (; j + 4 <= cols; j += 4) {
    const float* r[4];
    for (int t = 0; t < 4; ++t) r[t] = b.at(k0, j0 + j + t);
    index k = 0;
    for (; k + 4 <= kc; k += 4) {
      v4 x0 = load<v4>(r[0] + k), x1 = load<v4>(r[1] + k), x2 = load<v4>(r[2] + k), x3 = load<v4>(r[3] + k);
      transpose(x0, x1, x2, x3);
      store(out + k * width + j, x0);
      store(out + (k + 1) * width + j, x1);
      store(out + (k + 2) * width + j, x2);
      store(out + (k + 3) * width + j, x3);
    }
    for (; k < kc; ++k)
      for (int t = 0; t < 4; ++t) out[k * width + j + t] = r[t][k];
  }
  for (; j < width; ++j)
    for (index k = 0; k < kc; ++k) out[k * width + j] = j < cols ? *b.at(k0 + k, j0 + j) : 0.0f;
}

// Packed panels lie this far apart: kc x width, plus a cache line, since panels a
// multiple of 4 KiB apart share cache sets and packing writes to all of them in turn.
index panel_stride(index kc, int width) { return kc * width + 64 / static_cast<index>(sizeof(float)); }

// op(B)'s kc x cols block at (k0, j0) as panels `width` wide (the last
// zero-padded), panel_stride apart.
void pack_block(operand b, index k0, index kc, int j0, int cols, int width, float* out) {
  const int panels = (cols + width - 1) / width;
  if (b.col_step != 1) {
    for (int p = 0; p < panels; ++p)
      pack_transposed_panel(b, k0, kc, j0 + p * width, std::min(width, cols - p * width), width,
                            out + p * panel_stride(kc, width));
    return;
  }
  // Row-major B: each of its rows read in order, across the panels (strided
  // reads, one panel at a time, would miss the cache on every row).
  for (index k = 0; k < kc; ++k) {
    const float* from = b.at(k0 + k, j0);
    for (int p = 0; p < panels; ++p, from += width) {
      float* to = out + p * panel_stride(kc, width) + k * width;
      const int valid = std::min(width, cols - p * width);
      if (valid == width) {
        for (int j = 0; j < width; j += lanes) store(to + j, load(from + j));
      } else {
        for (int j = 0; j < width; ++j) to[j] = j < valid ? from[j] : 0.0f;
      }
    }
  }
}

// C (m x n) from panels of op(B), NV vectors wide, each used by all of C's
// rows in tiles of MR; packed a block of panels at a time, op(A)'s block
// packed once per depth block.
template <int MR, int NV>
void panel_product(operand a, operand b, int m, int n, index k, float alpha, float beta, float* c,
                   index ldc) {
  constexpr int width = NV * lanes;
  const int block_width = std::min(block_cols / width, (n + width - 1) / width) * width;
  std::vector<float> packed_a(row_tiles_room<MR>(m, k));
  line_aligned_vector<float> packed_b(
      static_cast<std::size_t>(block_width / width * panel_stride(std::min(k, block_depth), width)));
  for (index k0 = 0; k0 < k; k0 += block_depth) {
    const index kc = std::min(block_depth, k - k0);
    const update u{alpha, k0 == 0 ? beta : 1.0f, k0 == 0 && beta == 0};
    pack_row_tiles<MR>(a, m, k0, kc, packed_a.data());
    for (int j_block = 0; j_block < n; j_block += block_width) {
      const int cols = std::min(block_width, n - j_block);
      pack_block(b, k0, kc, j_block, cols, width, packed_b.data());
      tile_panels<MR, NV>(kc, packed_a.data(), m, packed_b.data(), panel_stride(kc, width), 0,
                          (cols + width - 1) / width, cols, c + j_block, ldc, u);
    }
  }
}

// One row of C over P panels side by side (P * NV accumulators: independent
// additions in flight, where one panel's NV would wait on each other), from
// kc steps of the row at `a` (its values in order) and panels `stride` apart
// at `b`; the sums in tile's order, so the same bits. `cols` of the P panels'
// columns are C's, their biases at `bias` unless null.
template <int P, int NV>
void row_tile(index kc, const float* a, const float* b, index stride, float* c, int cols, update u,
              const float* bias) {
  constexpr int width = NV * lanes;
  vf sum[P * NV];  // panel p's vector v at p * NV + v: C's columns in order
  initial_sums(bias, cols, sum);
  for (index k = 0; k < kc; ++k) {
    const vf ak = splat(a[k]);
    for (int p = 0; p < P; ++p)
      for (int v = 0; v < NV; ++v) sum[p * NV + v] += ak * load(b + p * stride + k * width + v * lanes);
  }
  if (cols == P * width) {
    for (int v = 0; v < P * NV; ++v) store(c + v * lanes, updated(sum[v], c + v * lanes, u));
    return;
  }
  float partial[P * width];
  std::memcpy(partial, sum, sizeof partial);
  for (int j = 0; j < cols; ++j) c[j] = updated(partial[j], c + j, u);
}

constexpr int panel_width = tile_vectors * lanes;
// Panels side by side in row_tile: 4 x 2 accumulators, as the 4 x 2 tile.
constexpr int row_panels = 4;

int panel_count(int n) { return (n + panel_width - 1) / panel_width; }

// Where the packed panel p of depth block k0 begins: blocks of whole depth
// before it, each panel_count panels panel_stride apart.
index packed_offset(index k0, index kc, int panels, int p) {
  return k0 / block_depth * panels * panel_stride(block_depth, panel_width) +
         p * panel_stride(kc, panel_width);
}

// C's columns in panels [p0, p1) from A's rows and packed B's depth block k0
// (at `block`), plus C's biases at `bias` unless null: 4 rows at a time
// through the tile, fewer row by row through row_tile, row_panels panels at a
// time.
void packed_block(operand a, int m, index k0, index kc, const float* block, int p0, int p1, int n, float* c,
                  index ldc, update u, const float* bias, std::vector<float>& packed_a) {
  const index stride = panel_stride(kc, panel_width);
  if (m >= tile_rows) {
    pack_row_tiles<tile_rows>(a, m, k0, kc, packed_a.data());
    tile_panels<tile_rows, tile_vectors>(kc, packed_a.data(), m, block, stride, p0, p1, n, c, ldc, u, bias);
    return;
  }
  const auto biases = [&](int p) { return bias ? bias + p * panel_width : nullptr; };
  for (int i = 0; i < m; ++i) {
    const float* row = a.at(i, k0);  // A is not transposed: a row's steps lie side by side
    int p = p0;
    for (; p + row_panels <= p1; p += row_panels)
      row_tile<row_panels, tile_vectors>(kc, row, block + p * stride, stride, c + i * ldc + p * panel_width,
                                         std::min(row_panels * panel_width, n - p * panel_width), u,
                                         biases(p));
    for (; p < p1; ++p)
      row_tile<1, tile_vectors>(kc, row, block + p * stride, stride, c + i * ldc + p * panel_width,
                                std::min(panel_width, n - p * panel_width), u, biases(p));
  }
}

// Four lanes: vf's halves added (AVX), or vf itself.
inline v4 fold(vf x) {
#if AEREC_SIMD_LANES == 8
  return quarter<0>(x) + quarter<1>(x);
#else
  return x;
#endif
}

// (sum of a0's lanes, of a1's, of a2's, of a3's).
inline v4 lane_sums(vf a0, vf a1, vf a2, vf a3) {
  v4 x0 = fold(a0), x1 = fold(a1), x2 = fold(a2), x3 = fold(a3);
  transpose(x0, x1, x2, x3);
  return (x0 + x1) + (x2 + x3);
}

// C's MR x items tile (items <= 4) as dot products of A's rows (at `a`, lda
// apart) with Bt's rows (at `bt`, ldb apart): C = A * Bt^T without packing.
template <int MR>
void dot_tile(index k, const float* a, index lda, const float* bt, index ldb, int items, float* c, index ldc,
              update u) {
  const float* rows[4];
  // Past `items`, row 0 again: its dot products are computed and dropped.
  for (int t = 0; t < 4; ++t) rows[t] = bt + (t < items ? t : 0) * ldb;
  vf sum[MR][4] = {};
  const index whole = k - k % lanes;
  for (index p = 0; p < whole; p += lanes) {
    vf b[4];
    for (int t = 0; t < 4; ++t) b[t] = load(rows[t] + p);
    for (int i = 0; i < MR; ++i) {
      const vf x = load(a + i * lda + p);
      for (int t = 0; t < 4; ++t) sum[i][t] += x * b[t];
    }
  }
  for (int i = 0; i < MR; ++i) {
    v4 dots = lane_sums(sum[i][0], sum[i][1], sum[i][2], sum[i][3]);
    if (whole < k) {
      float rest[4] = {};
      for (int t = 0; t < 4; ++t)
        for (index p = whole; p < k; ++p) rest[t] += a[i * lda + p] * rows[t][p];
      dots += load<v4>(rest);
    }
    float* ci = c + i * ldc;
    if (items == 4) {
      store(ci, updated(dots, ci, u));
    } else {
      float d[4];
      store(d, dots);
      for (int t = 0; t < items; ++t) ci[t] = updated(d[t], ci + t, u);
    }
  }
}

// C (m x n) = alpha * A * Bt^T + beta * C, row by row (m is small).
void dot_product(const_matrix_view a, const_matrix_view bt, float alpha, float beta, matrix_view c) {
  const update u{alpha, beta, beta == 0};
  const index k = a.cols, ldc = c.cols;
  for (int i = 0; i < c.rows; i += 2)
    for (int j = 0; j < c.cols; j += 4) {
      const float* bj = bt.data + j * k;
      float* cij = c.data + i * ldc + j;
      const int items = std::min(4, c.cols - j);
      if (c.rows - i >= 2)
        dot_tile<2>(k, a.data + i * k, k, bj, k, items, cij, ldc, u);
      else
        dot_tile<1>(k, a.data + i * k, k, bj, k, items, cij, ldc, u);
    }
}

// One row times a matrix reads the matrix from memory as two streams, one
// from each half: the hardware prefetcher follows two streams far apart
// faster than one (25 against 20 GB/s in V8 on a Zen 4 core), and rows side by
// side, a few KiB apart, at half the speed.

// x . ra and x . rb over the whole vectors of k (k - k % lanes values), side by
// side, each as a vector of partial sums (two apiece, for additions in flight).
inline void row_dots(const float* x, const float* ra, const float* rb, index whole, vf& sa, vf& sb) {
  vf a0{}, a1{}, b0{}, b1{};
  index p = 0;
  for (; p + 2 * lanes <= whole; p += 2 * lanes) {
    const vf x0 = load(x + p), x1 = load(x + p + lanes);
    a0 += x0 * load(ra + p);
    a1 += x1 * load(ra + p + lanes);
    b0 += x0 * load(rb + p);
    b1 += x1 * load(rb + p + lanes);
  }
  if (p < whole) {
    const vf x0 = load(x + p);
    a0 += x0 * load(ra + p);
    b0 += x0 * load(rb + p);
  }
  sa = a0 + a1;
  sb = b0 + b1;
}

// C[j .. j + 4) (those below n) from the vector sums of Bt's rows j .. j + 3
// and the rest of k, past its whole vectors.
void store_four(const vf sum[4], const float* x, const float* const rows[4], index whole, index k, int j,
                int n, update u, float* c) {
  float rest[4] = {};
  for (int t = 0; t < 4; ++t)
    for (index p = whole; p < k; ++p) rest[t] += x[p] * rows[t][p];
  const v4 dots = lane_sums(sum[0], sum[1], sum[2], sum[3]) + load<v4>(rest);
  if (j + 4 <= n) return store(c + j, updated(dots, c + j, u));
  float d[4];
  store(d, dots);
  for (int t = 0; j + t < n; ++t) c[j + t] = updated(d[t], c + j + t, u);
}

// C (1 x n) = alpha * x * Bt^T + beta * C: Bt's rows j and j + h (h = n / 2 in
// whole fours) side by side, each row whole before the next; four rows' sums
// reduced together.
void row_dots(const float* x, const_matrix_view bt, float alpha, float beta, float* c) {
  const update u{alpha, beta, beta == 0};
  const int n = bt.rows, half = 4 * ((n + 7) / 8);
  const index k = bt.cols, whole = k - k % lanes;
  // Rows past n (a partial last four, or no second four): the last row, computed and dropped.
  const auto row = [&](int j) { return bt.data + std::min(j, n - 1) * k; };
  for (int j = 0; j < half; j += 4) {
    vf sa[4], sb[4];
    const float *ra[4], *rb[4];
    for (int t = 0; t < 4; ++t) {
      ra[t] = row(j + t);
      rb[t] = row(half + j + t);
      row_dots(x, ra[t], rb[t], whole, sa[t], sb[t]);
    }
    store_four(sa, x, ra, whole, k, j, n, u, c);
    if (half + j < n) store_four(sb, x, rb, whole, k, half + j, n, u, c);
  }
}

// C (1 x n) = alpha * x * B + beta * C, B row-major (k x n): B's rows p and
// p + h (h = k / 2, rounded up) added into a row of sums in one pass, then the
// middle row alone when k is odd.
void row_times_matrix(operand x, operand b, int n, index k, float alpha, float beta, float* c) {
  std::vector<float> sums(static_cast<std::size_t>(n), 0.0f);
  float* out = sums.data();
  const int whole = n - n % lanes;
  const index half = (k + 1) / 2;
  for (index p = 0; p < k - half; ++p) {
    const float xa = *x.at(0, p), xb = *x.at(0, p + half);
    const vf sa = splat(xa), sb = splat(xb);
    const float *ra = b.at(p, 0), *rb = b.at(p + half, 0);
    for (int j = 0; j < whole; j += lanes)
      store(out + j, load(out + j) + (sa * load(ra + j) + sb * load(rb + j)));
    for (int j = whole; j < n; ++j) out[j] += xa * ra[j] + xb * rb[j];
  }
  if (k % 2 == 1) {
    const float xp = *x.at(0, half - 1);
    const vf sp = splat(xp);
    const float* row = b.at(half - 1, 0);
    for (int j = 0; j < whole; j += lanes) store(out + j, load(out + j) + sp * load(row + j));
    for (int j = whole; j < n; ++j) out[j] += xp * row[j];
  }
  const update u{alpha, beta, beta == 0};
  for (int j = 0; j < n; ++j) c[j] = updated(out[j], c + j, u);
}

void scale(matrix_view c, float beta) {
  const std::size_t n = static_cast<std::size_t>(c.rows) * static_cast<std::size_t>(c.cols);
  for (std::size_t i = 0; i < n; ++i) c.data[i] = beta == 0 ? 0.0f : beta * c.data[i];
}

}  // namespace

int simd_panel_width() { return panel_width; }

packed_b simd_pack_b(bool transpose_b, const_matrix_view b) {
  const operand ob = as_operand(b, transpose_b);
  const int k = transpose_b ? b.cols : b.rows, n = transpose_b ? b.rows : b.cols;
  const int panels = panel_count(n);
  packed_b out{k, n, {}};
  if (k == 0 || n == 0) return out;
  // The whole depth blocks, then the last one's panels where the depth is no multiple of a block.
  const index rest = k % block_depth;
  out.panels.resize(static_cast<std::size_t>(packed_offset(k - rest, 0, panels, 0) +
                                             (rest ? panels * panel_stride(rest, panel_width) : 0)));
  for (index k0 = 0; k0 < k; k0 += block_depth) {
    const index kc = std::min<index>(block_depth, k - k0);
    pack_block(ob, k0, kc, 0, n, panel_width, out.panels.data() + packed_offset(k0, kc, panels, 0));
  }
  return out;
}

void simd_gemm_packed(const_matrix_view a, const packed_b& b, const float* bias, matrix_view c, int first,
                      int count) {
  AEREC_ASSERT(a.cols == b.k && c.rows == a.rows && c.cols == b.n && first % panel_width == 0);
  const int m = c.rows, panels = panel_count(b.n);
  const int p0 = first / panel_width, p1 = panel_count(first + count);
  if (m == 0 || count == 0) return;
  if (b.k == 0) {
    for (int i = 0; i < m; ++i)
      for (int j = first; j < first + count; ++j) c.data[i * c.cols + j] = bias ? bias[j] : 0.0f;
    return;
  }
  std::vector<float> packed_a(m >= tile_rows ? row_tiles_room<tile_rows>(m, b.k) : 0);
  for (index k0 = 0; k0 < b.k; k0 += block_depth) {
    const index kc = std::min<index>(block_depth, b.k - k0);
    const update u{1.0f, k0 == 0 ? 0.0f : 1.0f, k0 == 0};
    packed_block(as_operand(a, false), m, k0, kc, b.panels.data() + packed_offset(k0, kc, panels, 0), p0, p1,
                 b.n, c.data, c.cols, u, k0 == 0 ? bias : nullptr, packed_a);
  }
}

bool simd_gemm_splits_columns(bool transpose_a, bool transpose_b, int rows, int depth) {
  return depth > 0 && !(rows == 1 && !transpose_b) && !(!transpose_a && transpose_b && rows <= dot_rows_max);
}

void simd_gemm_columns(bool transpose_a, bool transpose_b, float alpha, const_matrix_view a,
                       const_matrix_view b, float beta, matrix_view c, int first, int count) {
  const operand ob = as_operand(b, transpose_b);
  panel_product<tile_rows, tile_vectors>(as_operand(a, transpose_a),
                                         operand{ob.at(0, first), ob.row_step, ob.col_step}, c.rows, count,
                                         transpose_a ? a.rows : a.cols, alpha, beta, c.data + first, c.cols);
}

void simd_gemm(bool transpose_a, bool transpose_b, float alpha, const_matrix_view a, const_matrix_view b,
               float beta, matrix_view c) {
  const int m = c.rows, n = c.cols;
  const index k = transpose_a ? a.rows : a.cols;
  if (m == 0 || n == 0) return;
  if (simd_gemm_splits_columns(transpose_a, transpose_b, m, static_cast<int>(k)))
    return simd_gemm_columns(transpose_a, transpose_b, alpha, a, b, beta, c, 0, n);
  if (k == 0) return scale(c, beta);
  if (!transpose_a && transpose_b && m == 1 && k >= stream_depth_min)
    return row_dots(a.data, b, alpha, beta, c.data);
  if (!transpose_a && transpose_b) return dot_product(a, b, alpha, beta, c);
  row_times_matrix(as_operand(a, transpose_a), as_operand(b, transpose_b), n, k, alpha, beta, c.data);
}

}  // namespace aerec
