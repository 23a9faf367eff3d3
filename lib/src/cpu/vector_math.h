#pragma once
// Dot products and row updates written once with GCC/Clang vector types: the
// native build compiles them to AVX2/AVX-512 (-march=native), the wasm build
// to SIMD128 (internal). Eight independent partial sums keep the adders busy;
// no fused multiply-add is assumed (wasm SIMD has none).
#include <cstddef>
#include <cstring>

namespace aerec::cpu {

using float8 = float __attribute__((vector_size(32)));

inline float8 load8(const float* p) {
  float8 v;
  std::memcpy(&v, p, sizeof v);  // an unaligned load
  return v;
}

inline void store8(float* p, float8 v) { std::memcpy(p, &v, sizeof v); }

inline float sum8(float8 v) {
  return ((v[0] + v[4]) + (v[1] + v[5])) + ((v[2] + v[6]) + (v[3] + v[7]));
}

// sum_i a[i] * b[i], in a fixed order for a given n.
inline float dot(const float* a, const float* b, std::size_t n) {
  float8 s0{}, s1{}, s2{}, s3{};
  std::size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    s0 += load8(a + i) * load8(b + i);
    s1 += load8(a + i + 8) * load8(b + i + 8);
    s2 += load8(a + i + 16) * load8(b + i + 16);
    s3 += load8(a + i + 24) * load8(b + i + 24);
  }
  for (; i + 8 <= n; i += 8) s0 += load8(a + i) * load8(b + i);
  float sum = sum8((s0 + s1) + (s2 + s3));
  for (; i < n; ++i) sum += a[i] * b[i];
  return sum;
}

// y[i] += alpha * x[i].
inline void axpy(float alpha, const float* x, float* y, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) y[i] += alpha * x[i];
}

// y[i] += a0 * x0[i] + a1 * x1[i] + a2 * x2[i] + a3 * x3[i]: four rows of a
// sparse product per pass over y.
inline void axpy4(const float a[4], const float* const x[4], float* y, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i)
    y[i] += ((a[0] * x[0][i] + a[1] * x[1][i]) + (a[2] * x[2][i] + a[3] * x[3][i]));
}

}  // namespace aerec::cpu
