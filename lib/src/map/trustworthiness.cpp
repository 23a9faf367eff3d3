#include "aerec/map/trustworthiness.h"

#include <algorithm>
#include <numeric>
#include <string>
#include <vector>

#include "aerec/core/error.h"
#include "map/nearest_neighbors.h"

namespace aerec {

namespace {

// The penalty of point i: for each of its k nearest on the map, how far beyond
// k it ranks among i's neighbours in the original space (`original`: squared
// distances from i to every point). Ranks count, for each neighbour, the points
// closer than it (ties by index): O(N k), no sort of the whole row.
double penalty_of(std::size_t i, std::span<const float> original, std::span<const float> positions,
                  int map_dims, int k) {
  const std::size_t n = original.size();
  std::vector<double> mapped(n);
  for (std::size_t j = 0; j < n; ++j) {
    double s = 0;
    for (int c = 0; c < map_dims; ++c) {
      const double t = static_cast<double>(positions[i * map_dims + c]) - positions[j * map_dims + c];
      s += t * t;
    }
    mapped[j] = s;
  }
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  order.erase(order.begin() + static_cast<std::ptrdiff_t>(i));
  const auto closer = [&](std::size_t a, std::size_t b) {
    return mapped[a] < mapped[b] || (mapped[a] == mapped[b] && a < b);
  };
  std::nth_element(order.begin(), order.begin() + k - 1, order.end(), closer);
  double penalty = 0;
  for (int r = 0; r < k; ++r) {
    const std::size_t j = order[static_cast<std::size_t>(r)];
    std::size_t rank = 1;
    for (std::size_t l = 0; l < n; ++l)
      rank += l != i && (original[l] < original[j] || (original[l] == original[j] && l < j));
    penalty += std::max(0.0, static_cast<double>(rank) - k);
  }
  return penalty;
}

}  // namespace

double trustworthiness(std::span<const float> points, int dims, std::span<const float> positions,
                       int map_dims, int k, int threads) {
  const std::size_t n = points.size() / static_cast<std::size_t>(dims);
  if (positions.size() != n * static_cast<std::size_t>(map_dims))
    throw error(error_code::invalid_argument, "trustworthiness: the map has another number of points");
  if (k < 1 || 2 * static_cast<std::size_t>(k) >= n)
    throw error(error_code::invalid_argument,
                "trustworthiness: k must be at least 1 and below half the points, not " + std::to_string(k));
  std::vector<double> penalties(n);
  map_detail::for_each_distance_row(points, dims, threads,
                                    [&](std::size_t i, std::span<const float> original) {
                                      penalties[i] = penalty_of(i, original, positions, map_dims, k);
                                    });
  double penalty = 0;
  for (const double v : penalties) penalty += v;
  const double nd = static_cast<double>(n);
  return 1 - 2 / (nd * k * (2 * nd - 3 * k - 1)) * penalty;
}

}  // namespace aerec
