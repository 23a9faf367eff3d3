#pragma once

#include <cstddef>
#include <span>

namespace aerec {

// The room `nonzeros` needs at `values` and at `cols` for a row of n entries:
// n and four more, since it stores four entries at a time and may write up
// to three past the last one it keeps.
constexpr std::size_t nonzeros_room(std::size_t n) { return n + 4; }

// The entries of `row` that are not 0 (-0 is 0; NaN is not, for the caller
// to refuse), their values and columns packed in order at `values` and
// `cols`; returns how many.
std::size_t nonzeros(std::span<const float> row, float* values, int* cols);

}  // namespace aerec
