#include "map/nearest_neighbors.h"

#include <algorithm>
#include <utility>

#include "backend/cpu/simd_gemm.h"

namespace aerec::map_detail {

std::vector<float> squared_norms(std::span<const float> points, int dims) {
  const std::size_t n = points.size() / static_cast<std::size_t>(dims);
  std::vector<float> norms(n);
  for (std::size_t j = 0; j < n; ++j)
    for (int k = 0; k < dims; ++k) norms[j] += points[j * dims + k] * points[j * dims + k];
  return norms;
}

void distance_block(std::span<const float> points, int dims, std::span<const float> norms, std::size_t begin,
                    std::size_t end, std::vector<float>& out) {
  const std::size_t n = points.size() / static_cast<std::size_t>(dims);
  const std::size_t rows = end - begin;
  out.resize(rows * n);
  // |a - b|^2 = |a|^2 + |b|^2 - 2 a.b; the product is the cost, and it is one GEMM.
  simd_gemm(false, true, -2.0f, {points.data() + begin * dims, static_cast<int>(rows), dims},
            {points.data(), static_cast<int>(n), dims}, 0.0f,
            {out.data(), static_cast<int>(rows), static_cast<int>(n)});
  for (std::size_t r = 0; r < rows; ++r) {
    float* d = out.data() + r * n;
    for (std::size_t j = 0; j < n; ++j) d[j] = std::max(0.0f, d[j] + norms[begin + r] + norms[j]);
    d[begin + r] = 0;
  }
}

neighbor_lists nearest_neighbors(std::span<const float> points, int dims, int k, int threads) {
  const std::size_t n = points.size() / static_cast<std::size_t>(dims);
  neighbor_lists out;
  out.k = k;
  out.index.resize(n * static_cast<std::size_t>(k));
  out.distance.resize(out.index.size());
  for_each_distance_row(points, dims, threads, [&](std::size_t i, std::span<const float> d) {
    // The k closest by (distance, index), ties to the lower index: a bounded
    // max-heap, whose worst rejects most candidates in one comparison.
    std::vector<std::pair<float, std::int32_t>> best;
    best.reserve(static_cast<std::size_t>(k));
    for (std::size_t j = 0; j < n; ++j) {
      if (j == i) continue;
      const std::pair<float, std::int32_t> candidate{d[j], static_cast<std::int32_t>(j)};
      if (best.size() < static_cast<std::size_t>(k)) {
        best.push_back(candidate);
        std::push_heap(best.begin(), best.end());
      } else if (candidate < best.front()) {
        std::pop_heap(best.begin(), best.end());
        best.back() = candidate;
        std::push_heap(best.begin(), best.end());
      }
    }
    std::sort_heap(best.begin(), best.end());
    for (int j = 0; j < k; ++j) {
      out.index[i * k + j] = best[static_cast<std::size_t>(j)].second;
      out.distance[i * k + j] = best[static_cast<std::size_t>(j)].first;
    }
  });
  return out;
}

}  // namespace aerec::map_detail
