#pragma once
// The movies a user could be offered (internal to eval/).
#include <cstdint>
#include <span>
#include <vector>

namespace aerec {

// The columns below `cols` that `rated` (sorted) leaves out, in increasing
// order, `also_skip` left out too (-1: none).
inline void unrated_columns(std::span<const std::int32_t> rated, std::int32_t cols,
                            std::vector<std::int32_t>& out, std::int32_t also_skip = -1) {
  out.clear();
  auto next = rated.begin();
  for (std::int32_t c = 0; c < cols; ++c) {
    if (next != rated.end() && *next == c) {
      ++next;
      continue;
    }
    if (c != also_skip) out.push_back(c);
  }
}

}  // namespace aerec
