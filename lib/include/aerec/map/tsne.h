#pragma once
// t-SNE (van der Maaten and Hinton, 2008): points of many dimensions (autoencoder
// codes) placed on a plane so that neighbours stay neighbours. Exact: O(N^2)
// memory and time per iteration, for the few thousand points of a MovieLens
// catalogue. Deterministic for a seed.
#include <cstdint>
#include <span>
#include <vector>

namespace aerec {

struct tsne_options {
  double perplexity = 30;
  double early_exaggeration = 12;
  int exaggeration_iterations = 250;
  // <= 0: scikit-learn's "auto", max(N / early_exaggeration / 4, 50).
  double learning_rate = 0;
  int iterations = 1000;
  bool pca_init = true;  // else a Gaussian draw of standard deviation 1e-4
  std::uint64_t seed = 1;
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

// Throws error_code::invalid_argument for too few points for the perplexity
// (3 x perplexity < N - 1 is needed), non-finite values or bad options.
tsne_result tsne(std::span<const float> points, int dims, const tsne_options& options = {});

}  // namespace aerec
