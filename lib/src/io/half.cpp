#include "io/half.h"

#include <cmath>
#include <cstring>

namespace aerec {

namespace {

std::uint32_t bits_of(float f) {
  std::uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return u;
}

float float_of(std::uint32_t u) {
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

constexpr std::uint32_t float_infinity = 0x7F800000u;
constexpr std::uint32_t half_infinity = 0x7C00u;
// Binary32 patterns of 65520 (half-way from half's largest, 65504, to 2^16:
// the tie goes to the even 2^16, which is infinity) and of 2^-14 (half's
// smallest normal); exponent biases 127 and 15.
constexpr std::uint32_t rounds_to_infinity = 0x477FF000u;
constexpr std::uint32_t smallest_normal = 0x38800000u;
constexpr std::uint32_t bias_difference = (127u - 15u) << 23;

// Drops the low `shift` bits of `value`, rounding to nearest, ties to even.
std::uint32_t round_shift(std::uint32_t value, unsigned shift) {
  const std::uint32_t kept = value >> shift;
  const std::uint32_t rest = value & ((1u << shift) - 1u);
  const std::uint32_t half_way = 1u << (shift - 1u);
  return kept + ((rest > half_way || (rest == half_way && (kept & 1u))) ? 1u : 0u);
}

}  // namespace

std::uint16_t half_from_float(float value) {
  const std::uint32_t bits = bits_of(value);
  const auto sign = static_cast<std::uint16_t>((bits >> 16) & 0x8000u);
  const std::uint32_t magnitude = bits & 0x7FFFFFFFu;
  if (magnitude > float_infinity)  // NaN: quiet, with what fits of its payload
    return static_cast<std::uint16_t>(sign | half_infinity | 0x0200u | ((magnitude >> 13) & 0x03FFu));
  if (magnitude >= rounds_to_infinity) return static_cast<std::uint16_t>(sign | half_infinity);
  if (magnitude >= smallest_normal)  // a carry out of the mantissa raises the exponent, as it should
    return static_cast<std::uint16_t>(sign | round_shift(magnitude - bias_difference, 13));
  // Subnormal halves count units of 2^-24: the significand (implicit bit
  // included) shifted by the exponent's distance below 2^-14. Below 2^-25
  // (exponent 102) everything rounds to zero.
  const std::uint32_t exponent = magnitude >> 23;
  if (exponent < 102u) return sign;
  const std::uint32_t significand = (magnitude & 0x007FFFFFu) | 0x00800000u;
  return static_cast<std::uint16_t>(sign | round_shift(significand, 126u - exponent));
}

float float_from_half(std::uint16_t half) {
  const std::uint32_t sign = static_cast<std::uint32_t>(half & 0x8000u) << 16;
  const std::uint32_t exponent = (half >> 10) & 0x1Fu;
  const std::uint32_t mantissa = half & 0x03FFu;
  if (exponent == 0x1Fu) return float_of(sign | float_infinity | (mantissa << 13));
  if (exponent == 0)
    return std::copysign(std::ldexp(static_cast<float>(mantissa), -24), float_of(sign | 0x3F800000u));
  return float_of(sign | (((exponent << 23) | (mantissa << 13)) + bias_difference));
}

}  // namespace aerec
