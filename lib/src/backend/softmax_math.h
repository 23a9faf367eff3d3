#pragma once
// Softmax cross-entropy of one row (internal), shared by the host
// implementation and the CPU's, which differ only in how they take the row's
// maximum and exponentials (the CPU's eight at a time).
#include <algorithm>
#include <cmath>
#include <cstdint>

namespace aerec::math {

// Row z (n logits) against class t (-1: none): returns its loss and, unless g
// is null, writes scale * (softmax(z) - one_hot(t)) into g. max_of(z, n) is
// the row's largest logit; exps(z, n, m, out) returns sum_j e^(z_j - m) in
// double, writing each term into out unless it is null.
template <class Max, class Exps>
float softmax_cross_entropy_row(const float* z, int n, std::int32_t t, float scale, float* g, Max&& max_of,
                                Exps&& exps) {
  if (t < 0) {
    if (g) std::fill_n(g, n, 0.0f);
    return 0;
  }
  const float m = max_of(z, n);
  const double sum = exps(z, n, m, g);
  if (g) {
    const auto factor = static_cast<float>(static_cast<double>(scale) / sum);
    for (int j = 0; j < n; ++j) g[j] *= factor;
    g[t] -= scale;
  }
  return static_cast<float>(std::log(sum) + static_cast<double>(m) - static_cast<double>(z[t]));
}

}  // namespace aerec::math
