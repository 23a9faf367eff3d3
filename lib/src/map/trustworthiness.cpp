#include "aerec/map/trustworthiness.h"

#include <algorithm>
#include <numeric>
#include <string>
#include <vector>

#include "aerec/core/error.h"

namespace aerec {

namespace {

// The other points in order of distance from point i (ties by index).
std::vector<std::size_t> neighbours_of(std::span<const float> x, int dims, std::size_t i) {
  const std::size_t n = x.size() / static_cast<std::size_t>(dims);
  std::vector<double> d(n);
  for (std::size_t j = 0; j < n; ++j) {
    double s = 0;
    for (int k = 0; k < dims; ++k) {
      const double t = static_cast<double>(x[i * dims + k]) - x[j * dims + k];
      s += t * t;
    }
    d[j] = s;
  }
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  order.erase(order.begin() + static_cast<std::ptrdiff_t>(i));
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return d[a] < d[b]; });
  return order;
}

}  // namespace

double trustworthiness(std::span<const float> points, int dims, std::span<const float> positions,
                       int map_dims, int k) {
  const std::size_t n = points.size() / static_cast<std::size_t>(dims);
  if (positions.size() != n * static_cast<std::size_t>(map_dims))
    throw error(error_code::invalid_argument, "trustworthiness: the map has another number of points");
  if (k < 1 || 2 * static_cast<std::size_t>(k) >= n)
    throw error(error_code::invalid_argument,
                "trustworthiness: k must be at least 1 and below half the points, not " + std::to_string(k));
  double penalty = 0;
  std::vector<std::size_t> rank(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::vector<std::size_t> original = neighbours_of(points, dims, i);
    for (std::size_t r = 0; r < original.size(); ++r) rank[original[r]] = r + 1;
    const std::vector<std::size_t> mapped = neighbours_of(positions, map_dims, i);
    for (int j = 0; j < k; ++j)
      penalty += std::max(0.0, static_cast<double>(rank[mapped[static_cast<std::size_t>(j)]]) - k);
  }
  const double nd = static_cast<double>(n);
  return 1 - 2 / (nd * k * (2 * nd - 3 * k - 1)) * penalty;
}

}  // namespace aerec
