#pragma once
// How well a map keeps neighbourhoods, as scikit-learn's
// sklearn.manifold.trustworthiness defines it: 1 minus a penalty for each of
// a point's k nearest neighbours on the map by how far beyond the k nearest it
// ranks in the original space. 1 is perfect.
#include <span>

namespace aerec {

// `points` N x dims and `positions` N x map_dims, row-major, Euclidean
// distances, over `threads` threads (the same result for any). Throws
// error_code::invalid_argument unless 1 <= k < N / 2.
double trustworthiness(std::span<const float> points, int dims, std::span<const float> positions,
                       int map_dims, int k, int threads = 1);

}  // namespace aerec
