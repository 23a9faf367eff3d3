#include "aerec/train/collective.h"

#include <array>
#include <cstdint>

namespace aerec {

batch_share collective::share_of(int total) const {
  const auto boundary = [&](int r) {
    const std::int64_t n = size();
    return static_cast<int>((static_cast<std::int64_t>(total) * r + n - 1) / n);
  };
  return {boundary(rank()), boundary(rank() + 1), total};
}

bool collective::any(bool mine) {
  if (size() == 1) return mine;
  std::array<double, 1> says{mine ? 1.0 : 0.0};
  sum(says);
  return says[0] > 0;
}

collective& one_process() {
  static single_process alone;
  return alone;
}

}  // namespace aerec
