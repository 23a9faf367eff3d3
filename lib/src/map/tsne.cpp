#include "aerec/map/tsne.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "aerec/core/error.h"
#include "aerec/core/rng.h"

namespace aerec {

namespace {

void require(bool ok, const std::string& why) {
  if (!ok) throw error(error_code::invalid_argument, "t-SNE: " + why);
}

double squared_distance(const float* a, const float* b, int dims) {
  double d = 0;
  for (int k = 0; k < dims; ++k) {
    const double t = static_cast<double>(a[k]) - b[k];
    d += t * t;
  }
  return d;
}

// Row i of the conditional P(j | i): the Gaussian precision (beta) found by
// bisection so that the row's entropy is log(perplexity), as in the reference
// implementation (tol 1e-5, 50 steps).
void conditional_row(std::span<const double> distances, std::size_t i, double perplexity,
                     std::span<double> row) {
  const double target = std::log(perplexity);
  double beta = 1, low = 0, high = std::numeric_limits<double>::infinity();
  for (int step = 0; step < 50; ++step) {
    double sum = 0, weighted = 0;
    for (std::size_t j = 0; j < row.size(); ++j) {
      row[j] = j == i ? 0 : std::exp(-beta * distances[j]);
      sum += row[j];
      weighted += row[j] * distances[j];
    }
    sum = std::max(sum, std::numeric_limits<double>::min());
    const double entropy = std::log(sum) + beta * weighted / sum;
    for (double& v : row) v /= sum;
    if (std::abs(entropy - target) < 1e-5) return;
    if (entropy > target) {
      low = beta;
      beta = std::isinf(high) ? beta * 2 : (beta + high) / 2;
    } else {
      high = beta;
      beta = (beta + low) / 2;
    }
  }
}

// The two leading principal components of the points, scaled so that the
// first has standard deviation 1e-4 (scikit-learn's "pca" initialisation).
std::vector<double> pca_positions(std::span<const float> points, std::size_t n, int dims, rng& random) {
  std::vector<double> centred(points.begin(), points.end());
  for (int k = 0; k < dims; ++k) {
    double mean = 0;
    for (std::size_t i = 0; i < n; ++i) mean += centred[i * dims + k];
    mean /= static_cast<double>(n);
    for (std::size_t i = 0; i < n; ++i) centred[i * dims + k] -= mean;
  }
  std::vector<double> y(n * 2);
  std::vector<std::vector<double>> found;
  for (int c = 0; c < 2; ++c) {
    // Power iteration on X^T X, deflated by the components found.
    std::vector<double> v(static_cast<std::size_t>(dims));
    for (double& x : v) x = random.uniform(-1.0f, 1.0f);
    for (int step = 0; step < 200; ++step) {
      std::vector<double> xv(n), next(static_cast<std::size_t>(dims), 0);
      for (std::size_t i = 0; i < n; ++i)
        for (int k = 0; k < dims; ++k) xv[i] += centred[i * dims + k] * v[k];
      for (std::size_t i = 0; i < n; ++i)
        for (int k = 0; k < dims; ++k) next[k] += centred[i * dims + k] * xv[i];
      for (const auto& u : found) {
        double dot = 0;
        for (int k = 0; k < dims; ++k) dot += next[k] * u[k];
        for (int k = 0; k < dims; ++k) next[k] -= dot * u[k];
      }
      double norm = 0;
      for (const double x : next) norm += x * x;
      norm = std::sqrt(norm);
      if (norm == 0) break;
      for (int k = 0; k < dims; ++k) v[k] = next[k] / norm;
    }
    found.push_back(v);
    for (std::size_t i = 0; i < n; ++i) {
      double t = 0;
      for (int k = 0; k < dims; ++k) t += centred[i * dims + k] * v[k];
      y[i * 2 + c] = t;
    }
  }
  double mean = 0, square = 0;
  for (std::size_t i = 0; i < n; ++i) mean += y[i * 2];
  mean /= static_cast<double>(n);
  for (std::size_t i = 0; i < n; ++i) square += (y[i * 2] - mean) * (y[i * 2] - mean);
  const double sd = std::sqrt(square / static_cast<double>(n));
  for (double& v : y) v = sd > 0 ? v / sd * 1e-4 : 0;
  return y;
}

}  // namespace

std::vector<double> tsne_affinities(std::span<const float> points, int dims, double perplexity) {
  const std::size_t n = points.size() / static_cast<std::size_t>(dims);
  std::vector<double> p(n * n), distances(n);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j)
      distances[j] = squared_distance(&points[i * dims], &points[j * dims], dims);
    conditional_row(distances, i, perplexity, std::span(p).subspan(i * n, n));
  }
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = i + 1; j < n; ++j) {
      const double joint = std::max((p[i * n + j] + p[j * n + i]) / (2.0 * static_cast<double>(n)), 1e-12);
      p[i * n + j] = p[j * n + i] = joint;
    }
  return p;
}

double tsne_objective(std::span<const double> p, std::span<const double> y, std::span<double> grad) {
  const std::size_t n = y.size() / 2;
  std::vector<double> kernel(n * n, 0);
  double z = 0;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      if (i == j) continue;
      const double dx = y[i * 2] - y[j * 2], dy = y[i * 2 + 1] - y[j * 2 + 1];
      kernel[i * n + j] = 1 / (1 + dx * dx + dy * dy);
      z += kernel[i * n + j];
    }
  double kl = 0;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j)
      if (i != j && p[i * n + j] > 0) kl += p[i * n + j] * std::log(p[i * n + j] / (kernel[i * n + j] / z));
  if (grad.empty()) return kl;
  for (std::size_t i = 0; i < n; ++i) {
    double gx = 0, gy = 0;
    for (std::size_t j = 0; j < n; ++j) {
      if (i == j) continue;
      // dKL/dy_i = 4 sum_j (p_ij - q_ij) (1 + |y_i - y_j|^2)^-1 (y_i - y_j)
      const double w = (p[i * n + j] - kernel[i * n + j] / z) * kernel[i * n + j];
      gx += w * (y[i * 2] - y[j * 2]);
      gy += w * (y[i * 2 + 1] - y[j * 2 + 1]);
    }
    grad[i * 2] = 4 * gx;
    grad[i * 2 + 1] = 4 * gy;
  }
  return kl;
}

tsne_result tsne(std::span<const float> points, int dims, const tsne_options& o) {
  require(dims > 0 && points.size() % static_cast<std::size_t>(dims) == 0, "points must be N x dims");
  const std::size_t n = points.size() / static_cast<std::size_t>(dims);
  require(o.perplexity > 0 && 3 * o.perplexity < static_cast<double>(n) - 1,
          std::to_string(n) + " points are too few for perplexity " + std::to_string(o.perplexity) +
              " (3 x perplexity must be below the points - 1)");
  require(std::all_of(points.begin(), points.end(), [](float v) { return std::isfinite(v); }),
          "a point has a value that is not a number");
  require(o.iterations > 0 && o.early_exaggeration >= 1, "iterations > 0 and early exaggeration >= 1");
  std::vector<double> p = tsne_affinities(points, dims, o.perplexity);
  rng random(o.seed);
  std::vector<double> y(n * 2);
  if (o.pca_init) {
    y = pca_positions(points, n, dims, random);
  } else {
    for (double& v : y) v = 1e-4 * random.normal();
  }
  const double rate = o.learning_rate > 0 ? o.learning_rate
                                          : std::max(static_cast<double>(n) / o.early_exaggeration / 4, 50.0);
  std::vector<double> grad(n * 2), step(n * 2, 0), gains(n * 2, 1);
  for (int it = 0; it < o.iterations; ++it) {
    const bool exaggerated = it < o.exaggeration_iterations;
    if (it == 0 && exaggerated)
      for (double& v : p) v *= o.early_exaggeration;
    if (it == o.exaggeration_iterations && o.exaggeration_iterations > 0)
      for (double& v : p) v /= o.early_exaggeration;
    tsne_objective(p, y, grad);
    const double momentum = exaggerated ? 0.5 : 0.8;
    // Delta-bar-delta gains, as the reference implementation and scikit-learn.
    for (std::size_t k = 0; k < y.size(); ++k) {
      gains[k] = (grad[k] > 0) != (step[k] > 0) ? gains[k] + 0.2 : gains[k] * 0.8;
      gains[k] = std::max(gains[k], 0.01);
      step[k] = momentum * step[k] - rate * gains[k] * grad[k];
      y[k] += step[k];
    }
  }
  if (o.exaggeration_iterations >= o.iterations)
    for (double& v : p) v /= o.early_exaggeration;
  tsne_result out;
  out.kl_divergence = tsne_objective(p, y, {});
  out.positions.assign(y.begin(), y.end());
  return out;
}

}  // namespace aerec
