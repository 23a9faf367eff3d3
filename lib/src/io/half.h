#pragma once
// IEEE 754 binary16 ("half") conversions for compact model files (internal).
// Portable bit arithmetic rather than _Float16, which neither g++ 12 on every
// target nor Emscripten 3.1.6 can be relied on to provide.
#include <cstdint>

namespace aerec {

// Rounds to nearest, ties to even: values from 65520 up become infinity,
// values from 2^-25 down become zero, a NaN stays a (quiet) NaN, and the
// sign of zero, infinity and NaN is kept.
std::uint16_t half_from_float(float value);
// Exact: every half is a float.
float float_from_half(std::uint16_t half);

}  // namespace aerec
