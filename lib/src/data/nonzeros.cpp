#include "data/nonzeros.h"

#include <array>
#include <cstdint>
#include <cstring>

#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

namespace aerec {

namespace {

// One entry: kept when not 0, without a branch (count moves on or not).
inline void append(const float* row, std::size_t j, float* values, int* cols, std::size_t& count) {
  values[count] = row[j];
  cols[count] = static_cast<int>(j);
  count += row[j] != 0;
}

#ifdef __wasm_simd128__
// For each 4-bit mask of kept lanes, the swizzle that moves those lanes'
// bytes to the front, in order (the rest zeroed: they are written and then
// overwritten or left past the count).
using swizzle_table = std::array<std::array<std::uint8_t, 16>, 16>;
constexpr swizzle_table make_swizzles() {
  swizzle_table table{};
  for (int mask = 0; mask < 16; ++mask) {
    int out = 0;
    for (int lane = 0; lane < 4; ++lane)
      if (mask >> lane & 1) {
        for (int b = 0; b < 4; ++b) table[mask][4 * out + b] = static_cast<std::uint8_t>(4 * lane + b);
        ++out;
      }
    for (; out < 4; ++out)
      for (int b = 0; b < 4; ++b) table[mask][4 * out + b] = 0x80;
  }
  return table;
}
alignas(16) constexpr swizzle_table swizzles = make_swizzles();

// Entries j .. j + 3 packed to `count`: a swizzle chosen by which are not 0
// moves them to the front, with no branch.
inline void pack_four(const float* row, std::size_t j, float* values, int* cols, std::size_t& count) {
  const v128_t v = wasm_v128_load(row + j);
  const int kept = wasm_i32x4_bitmask(wasm_f32x4_ne(v, wasm_f32x4_splat(0)));
  const v128_t to_front = wasm_v128_load(swizzles[static_cast<std::size_t>(kept)].data());
  const auto c = static_cast<std::int32_t>(j);
  wasm_v128_store(values + count, wasm_i8x16_swizzle(v, to_front));
  wasm_v128_store(cols + count, wasm_i8x16_swizzle(wasm_i32x4_make(c, c + 1, c + 2, c + 3), to_front));
  count += static_cast<std::size_t>(__builtin_popcount(static_cast<unsigned>(kept)));
}

// Whether any of entries j .. j + 7 is not 0 (-0 is; NaN is not).
inline bool any_of_eight(const float* row, std::size_t j) {
  const v128_t bits = wasm_v128_or(wasm_v128_load(row + j), wasm_v128_load(row + j + 4));
  return wasm_v128_any_true(wasm_v128_and(bits, wasm_i32x4_splat(0x7fffffff)));
}
#endif

}  // namespace

#ifdef __wasm_simd128__
// A rating is a few percent of a row, at places no branch predicts, so
// nothing here branches on one: of 32 blocks of eight entries, those with
// an entry not 0 are listed (a third of them at MovieLens' density), then
// packed four entries at a time. In V8, packing every block was 2-3 times
// faster than skipping empty ones by a branch; the list is 1.4 times faster
// again (blocks of eight beat four and sixteen).
std::size_t nonzeros(std::span<const float> row, float* values, int* cols) {
  constexpr std::size_t block = 8, chunk = 32 * block;
  const float* data = row.data();
  std::size_t count = 0, j = 0;
  for (; j + chunk <= row.size(); j += chunk) {
    std::size_t listed[chunk / block], n = 0;
    for (std::size_t b = j; b < j + chunk; b += block) {
      listed[n] = b;
      n += any_of_eight(data, b);
    }
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t k = 0; k < block; k += 4) pack_four(data, listed[i] + k, values, cols, count);
  }
  for (; j + 4 <= row.size(); j += 4) pack_four(data, j, values, cols, count);
  for (; j < row.size(); ++j) append(data, j, values, cols, count);
  return count;
}
#else
// Eight entries at a time are tested together and skipped when all are 0,
// the others appended without a branch.
std::size_t nonzeros(std::span<const float> row, float* values, int* cols) {
  constexpr std::size_t block = 8;
  // A float is 0 when its bits but the sign are (NaN is not): four 64-bit words at once, then
  // each half's two.
  constexpr std::uint64_t magnitudes = 0x7fffffff7fffffffULL;
  std::size_t count = 0, j = 0;
  for (; j + block <= row.size(); j += block) {
    std::uint64_t words[block / 2];
    std::memcpy(words, row.data() + j, sizeof words);
    if (((words[0] | words[1] | words[2] | words[3]) & magnitudes) == 0) continue;
    for (std::size_t half = 0; half < 2; ++half)
      if (((words[2 * half] | words[2 * half + 1]) & magnitudes) != 0)
        for (std::size_t k = 0; k < block / 2; ++k) append(row.data(), j + 4 * half + k, values, cols, count);
  }
  for (; j < row.size(); ++j) append(row.data(), j, values, cols, count);
  return count;
}
#endif

}  // namespace aerec
