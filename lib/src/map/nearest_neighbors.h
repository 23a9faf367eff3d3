#pragma once
// Exact k nearest neighbours by brute force (internal to lib/map): distances
// to every point through one matrix product per block of rows, the k smallest
// kept. Codes have tens of dimensions, where trees stop paying; the products
// run at the speed of the machine's GEMM.
#include <cstdint>
#include <span>
#include <vector>

namespace aerec::map_detail {

struct neighbor_lists {
  int k = 0;
  std::vector<std::int32_t> index;  // N x k, each row nearest first (ties by index)
  std::vector<double> distance;     // N x k squared Euclidean distances
};

// The k nearest other points of every point (N x dims, row-major), over
// `threads` threads; the result does not depend on the thread count.
neighbor_lists nearest_neighbors(std::span<const float> points, int dims, int k, int threads);

// The same, every point's row of squared distances to all points handed to
// `visit(i, distances)` instead (for trustworthiness, which needs ranks).
template <class F>
void for_each_distance_row(std::span<const float> points, int dims, int threads, F&& visit);

// Each point's squared length.
std::vector<float> squared_norms(std::span<const float> points, int dims);
// Squared distances from rows [begin, end) to every point: (end - begin) x N.
void distance_block(std::span<const float> points, int dims, std::span<const float> norms, std::size_t begin,
                    std::size_t end, std::vector<float>& out);

// fn(begin, end) over blocks of rows, the blocks spread over `threads`.
template <class F>
void for_each_block(std::size_t n, int threads, F&& fn) {
  constexpr std::size_t block = 256;
  const auto blocks = static_cast<long>((n + block - 1) / block);
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
#endif
  for (long b = 0; b < blocks; ++b) {
    const std::size_t begin = static_cast<std::size_t>(b) * block;
    fn(begin, std::min(n, begin + block));
  }
  (void)threads;
}

template <class F>
void for_each_distance_row(std::span<const float> points, int dims, int threads, F&& visit) {
  const std::size_t n = points.size() / static_cast<std::size_t>(dims);
  const std::vector<float> norms = squared_norms(points, dims);
  for_each_block(n, threads, [&](std::size_t begin, std::size_t end) {
    std::vector<float> d;
    distance_block(points, dims, norms, begin, end, d);
    for (std::size_t i = begin; i < end; ++i) visit(i, std::span<const float>(d).subspan((i - begin) * n, n));
  });
}

}  // namespace aerec::map_detail
