// t-SNE: the affinities match the perplexity, the gradient matches finite
// differences of KL(P || Q), and well-separated clusters stay apart on the map.
#include <catch2/catch.hpp>
#include <cmath>

#include "aerec/core/error.h"
#include "aerec/core/rng.h"
#include "aerec/map/trustworthiness.h"
#include "aerec/map/tsne.h"
#include "map/fft_repulsion.h"

using namespace aerec;

namespace {

// `clusters` blobs of `each` points in `dims` dimensions, centres 10 apart.
std::vector<float> blobs(int clusters, int each, int dims, std::uint64_t seed) {
  rng random(seed);
  std::vector<float> out;
  for (int c = 0; c < clusters; ++c)
    for (int i = 0; i < each; ++i)
      for (int k = 0; k < dims; ++k) out.push_back((k == c ? 10.0f : 0.0f) + random.normal());
  return out;
}

// P (N x N) is symmetric and sums to 1.
void require_joint_probabilities(const std::vector<double>& p, std::size_t n) {
  double total = 0;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      REQUIRE(p[i * n + j] == p[j * n + i]);
      total += p[i * n + j];
    }
  REQUIRE(total == Approx(1).epsilon(1e-9));
}

}  // namespace

TEST_CASE("t-SNE affinities: symmetric, summing to 1, each row at the perplexity", "[tsne]") {
  const int dims = 5;
  const std::vector<float> points = blobs(2, 15, dims, 3);
  const std::size_t n = points.size() / dims;
  const std::vector<double> p = tsne_affinities(points, dims, 5);
  require_joint_probabilities(p, n);
}

TEST_CASE("t-SNE's gradient matches finite differences of KL(P || Q)", "[tsne][gradient]") {
  const int dims = 4;
  const std::vector<float> points = blobs(2, 8, dims, 5);
  const std::vector<double> p = tsne_affinities(points, dims, 3);
  rng random(9);
  std::vector<double> y(points.size() / dims * 2);
  for (double& v : y) v = random.normal();
  std::vector<double> grad(y.size());
  tsne_objective(p, y, grad);
  const double h = 1e-6;
  for (std::size_t k = 0; k < y.size(); ++k) {
    std::vector<double> plus = y, minus = y;
    plus[k] += h;
    minus[k] -= h;
    const double numeric = (tsne_objective(p, plus, {}) - tsne_objective(p, minus, {})) / (2 * h);
    REQUIRE(grad[k] == Approx(numeric).epsilon(1e-5).margin(1e-8));
  }
}

TEST_CASE("t-SNE keeps separated clusters apart, the same for a seed", "[tsne]") {
  const int dims = 8, each = 20;
  const std::vector<float> points = blobs(3, each, dims, 11);
  tsne_options o;
  o.perplexity = 10;
  o.iterations = 1000;
  const tsne_result a = tsne(points, dims, o);
  const std::size_t n = points.size() / dims;
  REQUIRE(a.positions.size() == n * 2);
  REQUIRE(std::isfinite(a.kl_divergence));
  // Each point's nearest neighbour on the map is in its own cluster.
  int same = 0;
  for (std::size_t i = 0; i < n; ++i) {
    std::size_t best = i == 0 ? 1 : 0;
    double best_d = 1e300;
    for (std::size_t j = 0; j < n; ++j) {
      if (j == i) continue;
      const double dx = a.positions[i * 2] - a.positions[j * 2],
                   dy = a.positions[i * 2 + 1] - a.positions[j * 2 + 1];
      if (dx * dx + dy * dy < best_d) best_d = dx * dx + dy * dy, best = j;
    }
    same += static_cast<int>(best / each == i / each);
  }
  REQUIRE(same == static_cast<int>(n));
  // The map fits better than where it started.
  tsne_options none = o;
  none.iterations = 1;
  none.exaggeration_iterations = 0;
  REQUIRE(a.kl_divergence < tsne(points, dims, none).kl_divergence);
  REQUIRE(tsne(points, dims, o).positions == a.positions);
  o.seed = 2;
  o.pca_init = false;
  REQUIRE(tsne(points, dims, o).positions != a.positions);
}

TEST_CASE("t-SNE refuses too few points for the perplexity and values that are not numbers", "[tsne]") {
  const std::vector<float> points = blobs(1, 10, 3, 1);
  REQUIRE_THROWS_AS(tsne(points, 3, tsne_options{}), error);  // perplexity 30 needs 92 points
  std::vector<float> bad = blobs(2, 20, 3, 1);
  bad[4] = std::nanf("");
  tsne_options o;
  o.perplexity = 5;
  REQUIRE_THROWS_AS(tsne(bad, 3, o), error);
}

TEST_CASE("trustworthiness as scikit-learn defines it", "[tsne]") {
  // Points on a line: a map that keeps their order is perfectly trustworthy.
  std::vector<float> line, kept;
  for (int i = 0; i < 10; ++i) {
    line.push_back(static_cast<float>(i));
    kept.insert(kept.end(), {static_cast<float>(2 * i), 0.0f});
  }
  REQUIRE(trustworthiness(line, 1, kept, 2, 3) == Approx(1));
  // Swapping the two ends on the map (9 at x = 0, 1..8 at 2..16, 0 at x = 18), with k = 2, by
  // hand from the definition (ties by index): 0's map neighbours 8 and 7 rank 8 and 7 from it
  // (6 + 5); 9's, 1 and 2, rank 8 and 7 (6 + 5); 1's, 2 and 9, rank 2 and 9 (7); 8's, 0 and 7,
  // rank 9 and 1 (7); the others' neighbours are their own. Penalty 36.
  std::vector<float> swapped = kept;
  std::swap(swapped[0], swapped[18]);
  const double n = 10, k = 2, penalty = 36;
  REQUIRE(trustworthiness(line, 1, swapped, 2, 2) == Approx(1 - 2 / (n * k * (2 * n - 3 * k - 1)) * penalty));
  REQUIRE_THROWS_AS(trustworthiness(line, 1, kept, 2, 5), error);
}

namespace {

// P's entries as a dense N x N matrix (zeros elsewhere).
std::vector<double> dense(const tsne_sparse_affinities& p, std::size_t n) {
  std::vector<double> out(n * n, 0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t e = p.offsets[i]; e < p.offsets[i + 1]; ++e)
      out[i * n + static_cast<std::size_t>(p.columns[e])] = p.values[e];
  return out;
}

}  // namespace

TEST_CASE(
    "t-SNE's neighbour affinities: symmetric, summing to 1, the exact ones when every point is a neighbour",
    "[tsne]") {
  const int dims = 5;
  const std::vector<float> points = blobs(2, 40, dims, 4);
  const std::size_t n = points.size() / dims;
  const std::vector<double> p = dense(tsne_neighbor_affinities(points, dims, 8, 2), n);
  require_joint_probabilities(p, n);
  // 3 x 30 + 1 neighbours reach all 79 others: the exact P (which floors at 1e-12).
  const std::vector<double> all = dense(tsne_neighbor_affinities(points, dims, 30), n);
  const std::vector<double> exact = tsne_affinities(points, dims, 30);
  // (Neighbour distances come from a float matrix product: to 1e-4.)
  for (std::size_t k = 0; k < all.size(); ++k)
    REQUIRE(all[k] == Approx(exact[k]).epsilon(1e-4).margin(1e-11));
}

TEST_CASE("t-SNE's neighbour method sums the exact repulsion", "[tsne][gradient]") {
  const int dims = 6;
  const std::vector<float> points = blobs(3, 50, dims, 8);
  const std::size_t n = points.size() / dims;
  const tsne_sparse_affinities p = tsne_neighbor_affinities(points, dims, 10);
  rng random(13);
  std::vector<double> y(n * 2);
  for (double& v : y) v = 3 * random.normal();
  std::vector<double> pairwise(y.size()), exact(y.size());
  // Float lanes: to 1e-4.
  REQUIRE(tsne_sparse_objective(p, y, pairwise, tsne_method::neighbors, 3) ==
          Approx(tsne_objective(dense(p, n), y, exact)).epsilon(1e-6));
  for (std::size_t k = 0; k < y.size(); ++k)
    REQUIRE(pairwise[k] == Approx(exact[k]).epsilon(1e-4).margin(1e-7));
}

TEST_CASE("t-SNE's interpolated gradient and KL match the exact ones and finite differences",
          "[tsne][gradient]") {
  const int dims = 6;
  const std::vector<float> points = blobs(3, 50, dims, 8);
  const std::size_t n = points.size() / dims;
  const tsne_sparse_affinities p = tsne_neighbor_affinities(points, dims, 10);
  const std::vector<double> full = dense(p, n);
  rng random(12);
  std::vector<double> y(n * 2);
  for (double& v : y) v = 3 * random.normal();  // a map about 40 grid boxes wide
  std::vector<double> approximate(y.size()), exact(y.size());
  const double kl = tsne_sparse_objective(p, y, approximate, tsne_method::interpolated, 2);
  REQUIRE(kl == Approx(tsne_objective(full, y, exact)).epsilon(1e-3));
  double error = 0, norm = 0;
  for (std::size_t k = 0; k < y.size(); ++k) {
    error += (approximate[k] - exact[k]) * (approximate[k] - exact[k]);
    norm += exact[k] * exact[k];
  }
  // The grid (3 nodes a box, half a unit a box) interpolates the gradient to
  // 0.3% in a map this sparse (FIt-SNE's unit boxes: a few per cent); the
  // error falls as the box's cube.
  REQUIRE(std::sqrt(error / norm) < 0.01);
  // And against central differences of the exact KL, a few coordinates.
  const double h = 1e-5;
  for (const std::size_t k : {std::size_t{0}, std::size_t{77}, 2 * n - 1}) {
    std::vector<double> plus = y, minus = y;
    plus[k] += h;
    minus[k] -= h;
    const double numeric = (tsne_objective(full, plus, {}) - tsne_objective(full, minus, {})) / (2 * h);
    REQUIRE(exact[k] == Approx(numeric).epsilon(1e-5).margin(1e-9));
    REQUIRE(std::abs(approximate[k] - numeric) < 0.1 * std::sqrt(norm / static_cast<double>(y.size())));
  }
}

TEST_CASE("t-SNE's grid interpolates the repulsion and Z of a dense map to a fraction of a per cent",
          "[tsne]") {
  // Four clumps of 100 points, about 7 a square unit at their centres, as a
  // converged map's clusters: where the kernel's peak (width 1) is felt.
  rng random(17);
  std::vector<double> y;
  for (const double cx : {-6.0, 6.0})
    for (const double cy : {-6.0, 6.0})
      for (int i = 0; i < 100; ++i)
        y.insert(y.end(), {cx + 1.5 * random.normal(), cy + 1.5 * random.normal()});
  const std::size_t n = y.size() / 2;
  std::vector<double> exact(y.size(), 0);
  double exact_z = 0;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      if (i == j) continue;
      const double dx = y[i * 2] - y[j * 2], dy = y[i * 2 + 1] - y[j * 2 + 1];
      const double w = 1 / (1 + dx * dx + dy * dy);
      exact_z += w;
      exact[i * 2] += w * w * dx;
      exact[i * 2 + 1] += w * w * dy;
    }
  std::vector<double> rep(y.size());
  map_detail::fft_repulsion grid(2);
  const double z = grid.compute(y, rep);
  double error = 0, norm = 0;
  for (std::size_t k = 0; k < y.size(); ++k) {
    error += (rep[k] - exact[k]) * (rep[k] - exact[k]);
    norm += exact[k] * exact[k];
  }
  // Half a unit a box; FIt-SNE's unit boxes miss by 1.9% here (and cost a
  // 10,000-point map 4% of its final KL).
  REQUIRE(std::sqrt(error / norm) < 0.005);
  REQUIRE(z == Approx(exact_z).epsilon(1e-4));
}

TEST_CASE("sparse t-SNE keeps separated clusters apart, the same for a seed and thread count", "[tsne]") {
  const int dims = 8, each = 400;
  const std::vector<float> points = blobs(3, each, dims, 21);
  const std::size_t n = points.size() / dims;
  REQUIRE(n > tsne_exact_limit);  // automatic picks the neighbour method
  tsne_options o;
  o.method = GENERATE(tsne_method::automatic, tsne_method::interpolated);
  o.iterations = 400;
  o.threads = 2;
  const tsne_result a = tsne(points, dims, o);
  REQUIRE(std::isfinite(a.kl_divergence));
  const std::vector<float> original(points.begin(), points.end());
  REQUIRE(trustworthiness(original, dims, a.positions, 2, 10, 2) > 0.9);
  // Clusters apart: each cluster's centre is farther from the others' than its points are from it.
  std::vector<double> cx(3, 0), cy(3, 0);
  for (std::size_t i = 0; i < n; ++i) {
    cx[i / each] += a.positions[i * 2] / each;
    cy[i / each] += a.positions[i * 2 + 1] / each;
  }
  for (std::size_t i = 0; i < n; ++i) {
    const auto distance = [&](std::size_t c) {
      return std::hypot(a.positions[i * 2] - cx[c], a.positions[i * 2 + 1] - cy[c]);
    };
    for (std::size_t c = 0; c < 3; ++c)
      if (c != i / each) REQUIRE(distance(i / each) < distance(c));
  }
  REQUIRE(tsne(points, dims, o).positions == a.positions);
  tsne_options none = o;
  none.iterations = 1;
  none.exaggeration_iterations = 0;
  REQUIRE(a.kl_divergence < tsne(points, dims, none).kl_divergence);
}

TEST_CASE("trustworthiness is the same on any number of threads", "[tsne]") {
  const std::vector<float> points = blobs(3, 30, 4, 5);
  std::vector<float> map;
  for (std::size_t i = 0; i < points.size(); i += 4)
    map.insert(map.end(), {points[i] + points[i + 2], points[i + 1]});
  REQUIRE(trustworthiness(points, 4, map, 2, 5, 1) == trustworthiness(points, 4, map, 2, 5, 3));
}
