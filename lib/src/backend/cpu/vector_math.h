#pragma once
// Dot products and row updates written once with GCC/Clang vector types: the
// native build compiles them to AVX2/AVX-512 (-march=native), the wasm build
// to SIMD128 (internal). Eight independent partial sums keep the adders busy;
// no fused multiply-add is assumed (wasm SIMD has none).
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace aerec::cpu {

using float8 = float __attribute__((vector_size(32)));
using int8 = std::int32_t __attribute__((vector_size(32)));

inline float8 load8(const float* p) {
  float8 v;
  std::memcpy(&v, p, sizeof v);  // an unaligned load
  return v;
}

inline void store8(float* p, float8 v) { std::memcpy(p, &v, sizeof v); }

inline float sum8(float8 v) { return ((v[0] + v[4]) + (v[1] + v[5])) + ((v[2] + v[6]) + (v[3] + v[7])); }

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

// mask ? a : b, element by element (mask lanes all ones or all zeros).
inline float8 select(int8 mask, float8 a, float8 b) {
  return reinterpret_cast<float8>((mask & reinterpret_cast<int8>(a)) | (~mask & reinterpret_cast<int8>(b)));
}

// e^x as 2^n (e^r - 1 + 1), Cephes' expf: x = n ln 2 + r with |r| <= ln 2 / 2,
// e^r - 1 by a degree-7 polynomial (no cancellation near 0), 2^n put straight
// into the exponent bits. Inputs beyond the float range are clamped (e^-87.3
// stands in for 0).
struct exp_parts {
  float8 r_minus_1;  // e^r - 1
  float8 scale;      // 2^n
};
inline exp_parts split_exp(float8 x) {
  const float8 lo = float8{} - 87.3f, hi = float8{} + 88.3f;
  x = select(x < lo, lo, select(x > hi, hi, x));
  // Round x / ln 2 to the nearest integer: adding 1.5 * 2^23 leaves it in the low mantissa bits.
  const float8 shifter = float8{} + 12582912.0f;
  const float8 t = x * 1.44269504088896341f + shifter;
  const float8 n = t - shifter;
  const int8 n_int = reinterpret_cast<int8>(t) - reinterpret_cast<int8>(shifter);
  const float8 r = (x - n * 0.693359375f) - n * -2.12194440e-4f;
  float8 p = float8{} + 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  return {p * (r * r) + r, reinterpret_cast<float8>((n_int + 127) << 23)};
}

// e^x to about 1 ulp.
inline float8 exp8(float8 x) {
  const exp_parts e = split_exp(x);
  return (e.r_minus_1 + 1.0f) * e.scale;
}

// e^x - 1 to a few ulp, near 0 too, as 2^n (e^r - 1) + (2^n - 1): at n = 0,
// the polynomial's e^r - 1 itself (Cephes' expm1f; one polynomial, where a
// Taylor series for small x beside exp8 took two).
inline float8 expm1_8(float8 x) {
  const exp_parts e = split_exp(x);
  return e.scale * e.r_minus_1 + (e.scale - 1.0f);
}

// tanh x as e / (e + 2) for e = e^2x - 1, accurate near 0 too; |x| is
// clamped to 9, past which tanh rounds to +-1 in float (and e^2x would overflow).
inline float8 tanh8(float8 x) {
  const float8 lo = float8{} - 9.0f, hi = float8{} + 9.0f;
  const float8 e = expm1_8(2.0f * select(x < lo, lo, select(x > hi, hi, x)));
  return e / (e + 2.0f);
}

// ln x to about 1 ulp (Cephes' logf): x = m 2^e with m in [sqrt(1/2),
// sqrt(2)), ln m by a polynomial in m - 1, e ln 2 added in two parts.
// Denormals are scaled up first; 0 gives -inf, +inf itself, a negative x
// or NaN NaN, as libm's.
inline float8 log8(float8 x) {
  const int8 denormal = x < 1.17549435e-38f;
  const float8 scaled = select(denormal, x * 8388608.0f, x);  // 2^23
  const int8 bits = reinterpret_cast<int8>(scaled);
  int8 e = ((bits >> 23) & 0xff) - 126 - (denormal & 23);
  float8 m = reinterpret_cast<float8>((bits & 0x007fffff) | 0x3f000000);  // [0.5, 1)
  const int8 low = m < 0.707106781186547524f;
  e += low;  // -1 where low
  m = select(low, m + m, m) - 1.0f;
  const float8 z = m * m;
  float8 p = float8{} + 7.0376836292e-2f;
  p = p * m - 1.1514610310e-1f;
  p = p * m + 1.1676998740e-1f;
  p = p * m - 1.2420140846e-1f;
  p = p * m + 1.4249322787e-1f;
  p = p * m - 1.6668057665e-1f;
  p = p * m + 2.0000714765e-1f;
  p = p * m - 2.4999993993e-1f;
  p = p * m + 3.3333331174e-1f;
  const float8 f = __builtin_convertvector(e, float8);
  const float8 y = ((m * (z * p)) + f * -2.12194440e-4f) - 0.5f * z;
  float8 r = (m + y) + f * 0.693359375f;
  const float8 inf = float8{} + __builtin_inff();
  r = select(x == 0, -inf, r);
  r = select(x == inf, inf, r);
  return select((x < 0) | (x != x), float8{} + __builtin_nanf(""), r);
}

// ln(1 + x), accurate near 0 too (Goldberg's: ln u * x / (u - 1) with u =
// 1 + x rounded, x itself where u is 1).
inline float8 log1p8(float8 x) {
  const float8 u = x + 1.0f;
  return select(u == 1.0f, x, log8(u) * (x / (u - 1.0f)));
}

// sin(2 pi u) and cos(2 pi u) for u in [0, 1), to a few ulp (Cephes' sinf
// and cosf polynomials): u less its nearest quarter turn q / 4 is exact in
// float, which leaves an angle in [-pi/4, pi/4] and its quadrant q.
inline void sincos_turns8(float8 u, float8& sine, float8& cosine) {
  const int8 q = __builtin_convertvector(4.0f * u + 0.5f, int8);  // u >= 0: truncation rounds
  const float8 r = (u - __builtin_convertvector(q, float8) * 0.25f) * 6.28318530717958647692f, z = r * r;
  const float8 s = ((-1.9515295891e-4f * z + 8.3321608736e-3f) * z - 1.6666654611e-1f) * z * r + r;
  const float8 c = ((2.443315711809948e-5f * z - 1.388731625493765e-3f) * z + 4.166664568298827e-2f) * z * z -
                   0.5f * z + 1.0f;
  const int8 odd = (q & 1) != 0;  // a quarter turn swaps them
  const float8 s1 = select(odd, c, s), c1 = select(odd, s, c);
  sine = select((q & 2) != 0, -s1, s1);
  cosine = select(((q + 1) & 2) != 0, -c1, c1);
}

}  // namespace aerec::cpu
