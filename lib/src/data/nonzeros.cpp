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
#endif

}  // namespace

#ifdef __wasm_simd128__
// A rating is a few percent of a row, at places no branch predicts: four
// entries at a time are packed with a swizzle chosen by which are not 0,
// with no branch at all (in V8, 2-3 times faster than skipping empty blocks).
std::size_t nonzeros(std::span<const float> row, float* values, int* cols) {
  const v128_t zero = wasm_f32x4_splat(0), four = wasm_i32x4_splat(4);
  v128_t col = wasm_i32x4_make(0, 1, 2, 3);
  std::size_t count = 0, j = 0;
  for (; j + 4 <= row.size(); j += 4, col = wasm_i32x4_add(col, four)) {
    const v128_t v = wasm_v128_load(row.data() + j);
    const int kept = wasm_i32x4_bitmask(wasm_f32x4_ne(v, zero));
    const v128_t to_front = wasm_v128_load(swizzles[static_cast<std::size_t>(kept)].data());
    wasm_v128_store(values + count, wasm_i8x16_swizzle(v, to_front));
    wasm_v128_store(cols + count, wasm_i8x16_swizzle(col, to_front));
    count += static_cast<std::size_t>(__builtin_popcount(static_cast<unsigned>(kept)));
  }
  for (; j < row.size(); ++j) append(row.data(), j, values, cols, count);
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
