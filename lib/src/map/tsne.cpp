#include "aerec/map/tsne.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <string>

#include "aerec/core/error.h"
#include "aerec/core/rng.h"
#include "map/exact_repulsion.h"
#include "map/fft_repulsion.h"
#include "map/nearest_neighbors.h"

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

// Row i of the conditional P(j | i) over the points at `distances` (squared;
// entry `self` is i itself and gets 0, none when it is npos): the Gaussian
// precision (beta) found by bisection so that the row's entropy is
// log(perplexity), as scikit-learn does (tol 1e-5, 100 steps).
void conditional_row(std::span<const double> distances, std::size_t self, double perplexity,
                     std::span<double> row) {
  const double target = std::log(perplexity);
  double beta = 1, low = 0, high = std::numeric_limits<double>::infinity();
  for (int step = 0; step < 100; ++step) {
    double sum = 0, weighted = 0;
    for (std::size_t j = 0; j < row.size(); ++j) {
      row[j] = j == self ? 0 : std::exp(-beta * distances[j]);
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

// sum over P's entries of p_ij w_ij (y_i - y_j) into `attraction` (N x 2),
// w_ij = 1 / (1 + |y_i - y_j|^2); returns sum of p_ij log(p_ij / w_ij) when
// `want_kl` (the KL without its log Z).
double attract(const tsne_sparse_affinities& p, std::span<const double> y, std::span<double> attraction,
               int threads, bool want_kl) {
  const std::size_t n = y.size() / 2;
  std::vector<double> kl_parts(want_kl ? n : 0);
  map_detail::for_each_block(n, threads, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      double gx = 0, gy = 0, kl = 0;
      for (std::size_t e = p.offsets[i]; e < p.offsets[i + 1]; ++e) {
        const std::size_t j = static_cast<std::size_t>(p.columns[e]);
        const double dx = y[i * 2] - y[j * 2], dy = y[i * 2 + 1] - y[j * 2 + 1];
        const double w = 1 / (1 + dx * dx + dy * dy);
        gx += p.values[e] * w * dx;
        gy += p.values[e] * w * dy;
        if (want_kl) kl += p.values[e] * std::log(p.values[e] / w);
      }
      attraction[i * 2] = gx;
      attraction[i * 2 + 1] = gy;
      if (want_kl) kl_parts[i] = kl;
    }
  });
  double kl = 0;
  for (const double v : kl_parts) kl += v;
  return kl;
}

// The repulsion of the sparse methods: rep (N x 2) from y, returning Z.
using repulsion_fn = std::function<double(std::span<const double>, std::span<double>)>;

// The neighbour method's pairwise sums, or the interpolated method's `grid`.
repulsion_fn repulsion_of(tsne_method method, map_detail::fft_repulsion& grid, int threads) {
  if (method == tsne_method::interpolated)
    return [&grid](std::span<const double> y, std::span<double> rep) { return grid.compute(y, rep); };
  return [threads](std::span<const double> y, std::span<double> rep) {
    return map_detail::exact_repulsion(y, rep, threads);
  };
}

// A sparse P's objective's gradient, and its KL when `want_kl` (else 0).
double sparse_objective(const tsne_sparse_affinities& p, std::span<const double> y, std::span<double> grad,
                        const repulsion_fn& repulsion, int threads, bool want_kl) {
  std::vector<double> rep(y.size());
  const double z = repulsion(y, rep);
  const double kl = attract(p, y, grad, threads, want_kl);
  for (std::size_t k = 0; k < y.size(); ++k) grad[k] = 4 * (grad[k] - rep[k] / z);
  if (!want_kl) return 0;
  double total = 0;
  for (const double v : p.values) total += v;
  return kl + total * std::log(z);
}

// Gradient descent with momentum (0.5, then 0.8 once the exaggeration ends)
// and delta-bar-delta gains, as the reference implementation and
// scikit-learn; `gradient(y, grad)` at P's current values, which are
// exaggerated in place for the first iterations and restored after.
template <class Gradient>
void descend(std::vector<double>& y, std::vector<double>& p_values, const tsne_options& o,
             Gradient&& gradient) {
  const double n = static_cast<double>(y.size() / 2);
  const double rate = o.learning_rate > 0 ? o.learning_rate : std::max(n / o.early_exaggeration / 4, 50.0);
  const auto scale_p = [&](double f) {
    for (double& v : p_values) v *= f;
  };
  std::vector<double> grad(y.size()), step(y.size(), 0), gains(y.size(), 1);
  if (o.exaggeration_iterations > 0) scale_p(o.early_exaggeration);
  for (int it = 0; it < o.iterations; ++it) {
    if (it == o.exaggeration_iterations && it > 0) scale_p(1 / o.early_exaggeration);
    gradient(y, grad);
    const double momentum = it < o.exaggeration_iterations ? 0.5 : 0.8;
    for (std::size_t k = 0; k < y.size(); ++k) {
      gains[k] = (grad[k] > 0) != (step[k] > 0) ? gains[k] + 0.2 : gains[k] * 0.8;
      gains[k] = std::max(gains[k], 0.01);
      step[k] = momentum * step[k] - rate * gains[k] * grad[k];
      y[k] += step[k];
    }
  }
  if (o.exaggeration_iterations >= o.iterations) scale_p(1 / o.early_exaggeration);
}

void check(std::span<const float> points, int dims, const tsne_options& o) {
  require(dims > 0 && points.size() % static_cast<std::size_t>(dims) == 0, "points must be N x dims");
  const std::size_t n = points.size() / static_cast<std::size_t>(dims);
  require(o.perplexity > 0 && 3 * o.perplexity < static_cast<double>(n) - 1,
          std::to_string(n) + " points are too few for perplexity " + std::to_string(o.perplexity) +
              " (3 x perplexity must be below the points - 1)");
  require(std::all_of(points.begin(), points.end(), [](float v) { return std::isfinite(v); }),
          "a point has a value that is not a number");
  require(o.iterations > 0 && o.early_exaggeration >= 1, "iterations > 0 and early exaggeration >= 1");
  require(o.threads >= 1, "threads must be at least 1");
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

tsne_sparse_affinities tsne_neighbor_affinities(std::span<const float> points, int dims, double perplexity,
                                                int threads) {
  const std::size_t n = points.size() / static_cast<std::size_t>(dims);
  const int k =
      static_cast<int>(std::min<double>(static_cast<double>(n) - 1, std::floor(3 * perplexity + 1)));
  const map_detail::neighbor_lists near = map_detail::nearest_neighbors(points, dims, k, threads);
  std::vector<double> conditional(near.distance.size());
  map_detail::for_each_block(n, threads, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i)
      conditional_row(std::span(near.distance).subspan(i * k, k), std::size_t(-1), perplexity,
                      std::span(conditional).subspan(i * k, k));
  });
  // P = (P + P^T) / 2N: each pair once per direction, merged row by row.
  std::vector<std::vector<std::pair<std::int32_t, double>>> rows(n);
  for (std::size_t i = 0; i < n; ++i)
    for (int j = 0; j < k; ++j) {
      const double v = conditional[i * k + j] / (2.0 * static_cast<double>(n));
      const std::int32_t other = near.index[i * k + j];
      rows[i].emplace_back(other, v);
      rows[static_cast<std::size_t>(other)].emplace_back(static_cast<std::int32_t>(i), v);
    }
  tsne_sparse_affinities p;
  p.offsets.push_back(0);
  for (auto& row : rows) {
    std::sort(row.begin(), row.end());
    for (const auto& [column, value] : row) {
      if (!p.columns.empty() && p.offsets.back() < p.columns.size() && p.columns.back() == column) {
        p.values.back() += value;
      } else {
        p.columns.push_back(column);
        p.values.push_back(value);
      }
    }
    p.offsets.push_back(p.columns.size());
    row = {};
  }
  return p;
}

double tsne_sparse_objective(const tsne_sparse_affinities& p, std::span<const double> y,
                             std::span<double> grad, tsne_method method, int threads) {
  map_detail::fft_repulsion grid(threads);
  std::vector<double> scratch(grad.empty() ? y.size() : 0);
  return sparse_objective(p, y, grad.empty() ? std::span<double>(scratch) : grad,
                          repulsion_of(method, grid, threads), threads, true);
}

tsne_result tsne(std::span<const float> points, int dims, const tsne_options& o) {
  check(points, dims, o);
  const std::size_t n = points.size() / static_cast<std::size_t>(dims);
  rng random(o.seed);
  std::vector<double> y(n * 2);
  if (o.pca_init) {
    y = pca_positions(points, n, dims, random);
  } else {
    for (double& v : y) v = 1e-4 * random.normal();
  }
  tsne_result out;
  tsne_method method = o.method;
  if (method == tsne_method::automatic)
    method = n <= tsne_exact_limit       ? tsne_method::exact
             : n <= tsne_neighbors_limit ? tsne_method::neighbors
                                         : tsne_method::interpolated;
  if (method == tsne_method::exact) {
    std::vector<double> p = tsne_affinities(points, dims, o.perplexity);
    descend(y, p, o,
            [&](std::span<const double> at, std::span<double> grad) { tsne_objective(p, at, grad); });
    out.kl_divergence = tsne_objective(p, y, {});
  } else {
    tsne_sparse_affinities p = tsne_neighbor_affinities(points, dims, o.perplexity, o.threads);
    map_detail::fft_repulsion grid(o.threads);
    const repulsion_fn repulsion = repulsion_of(method, grid, o.threads);
    descend(y, p.values, o, [&](std::span<const double> at, std::span<double> grad) {
      sparse_objective(p, at, grad, repulsion, o.threads, false);
    });
    std::vector<double> grad(y.size());
    out.kl_divergence = sparse_objective(p, y, grad, repulsion, o.threads, true);
  }
  out.positions.assign(y.begin(), y.end());
  return out;
}

}  // namespace aerec
