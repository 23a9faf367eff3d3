#pragma once
// t-SNE (van der Maaten and Hinton, 2008): points of many dimensions (autoencoder
// codes) placed on a plane so that neighbours stay neighbours. Three ways:
// exact (O(N^2) memory and time per iteration, for small inputs); neighbours:
// affinities over each point's 3 x perplexity nearest neighbours (as
// scikit-learn's Barnes-Hut t-SNE) and the repulsion summed exactly over
// every pair in SIMD lanes, O(N) memory, for up to some 40,000 points; and
// interpolated, as FIt-SNE (Linderman et al., 2019): the same affinities and
// the repulsion by FFT on a grid (of boxes half FIt-SNE's), O(N) per
// iteration, for more.
// Deterministic for a seed and thread count.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace aerec {

enum class tsne_method {
  automatic,  // exact up to tsne_exact_limit points, neighbours up to tsne_neighbors_limit, else interpolated
  exact,
  neighbors,
  interpolated,
};
inline constexpr std::size_t tsne_exact_limit = 1000;
// Where the FFT grid (whose cost follows the map's extent) overtakes the
// pairwise sums on 2 cores: Fashion-MNIST's images (PCA to 50), 20,000 of
// them mapped in 38.6 s by pairs and 100.1 s by the grid, 40,000 in 141.0 s
// and 140.6 s; 70,000 in 197 s by the grid. The grid's boxes of half a unit,
// for the exact repulsion's KL, cost 4x FIt-SNE's (the limit was 12,000).
// These timings predate the grid's single-precision, pruned FFTs, which made
// it 1.6x faster: the crossover is now lower, not measured again.
inline constexpr std::size_t tsne_neighbors_limit = 40000;

struct tsne_options {
  double perplexity = 30;
  double early_exaggeration = 12;
  int exaggeration_iterations = 250;
  // <= 0: scikit-learn's "auto", max(N / early_exaggeration / 4, 50).
  double learning_rate = 0;
  int iterations = 1000;
  bool pca_init = true;  // else a Gaussian draw of standard deviation 1e-4
  std::uint64_t seed = 1;
  tsne_method method = tsne_method::automatic;
  int threads = 1;
};

struct tsne_result {
  std::vector<float> positions;  // N x 2, row-major
  double kl_divergence = 0;      // KL(P || Q) of the final map
};

// The joint probabilities P (N x N, row-major, symmetric, summing to 1) of
// `points` (N x dims, row-major): each point's Gaussian over the others with
// the bandwidth that gives `perplexity`, symmetrised.
std::vector<double> tsne_affinities(std::span<const float> points, int dims, double perplexity);

// KL(P || Q) for positions Y (N x 2) and its gradient with respect to Y,
// written into `grad` (N x 2) when not empty.
double tsne_objective(std::span<const double> p, std::span<const double> y, std::span<double> grad);

// The sparse joint probabilities of the interpolated method: each point's
// Gaussian over its min(N - 1, 3 x perplexity + 1) nearest neighbours (as
// scikit-learn's Barnes-Hut t-SNE takes them), symmetrised, summing to 1.
// Rows in compressed form: row i's columns are columns[offsets[i] ..
// offsets[i + 1]), ascending.
struct tsne_sparse_affinities {
  std::vector<std::size_t> offsets;
  std::vector<std::int32_t> columns;
  std::vector<double> values;
};
tsne_sparse_affinities tsne_neighbor_affinities(std::span<const float> points, int dims, double perplexity,
                                                int threads = 1);

// KL(P || Q) for sparse P, Q's normaliser and the repulsion summed over every
// pair (neighbors) or interpolated on the grid (interpolated), and the
// gradient (into `grad` when not empty). KL counts P's entries only: the
// others are 0.
double tsne_sparse_objective(const tsne_sparse_affinities& p, std::span<const double> y,
                             std::span<double> grad, tsne_method method = tsne_method::interpolated,
                             int threads = 1);

// Throws error_code::invalid_argument for too few points for the perplexity
// (3 x perplexity < N - 1 is needed), non-finite values or bad options.
tsne_result tsne(std::span<const float> points, int dims, const tsne_options& options = {});

}  // namespace aerec
