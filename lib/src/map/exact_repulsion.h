#pragma once
// t-SNE's repulsive forces summed over every pair (internal to lib/map), in
// float SIMD lanes: O(N^2) an iteration, but for up to some 40,000
// points faster than the FFT grid (whose size follows the map's extent, not
// N) and exact. Each point's sums are its own, so the result does not depend
// on the thread count.
#include <span>

namespace aerec::map_detail {

// As fft_repulsion::compute: rep (N x 2) = sum_j w_ij^2 (y_i - y_j); returns Z.
double exact_repulsion(std::span<const double> y, std::span<double> rep, int threads);

}  // namespace aerec::map_detail
