#pragma once
// t-SNE's repulsive forces in O(N) per iteration (internal to lib/map), as
// FIt-SNE computes them (Linderman et al., Nature Methods 2019): the points'
// charges are spread onto an equispaced grid by Lagrange interpolation (3
// nodes per box), convolved there with the kernel by FFT (FFTW), and the
// potentials interpolated back. Deterministic for a thread count.
#include <memory>
#include <span>

namespace aerec::map_detail {

class fft_repulsion {
 public:
  explicit fft_repulsion(int threads);
  ~fft_repulsion();
  fft_repulsion(const fft_repulsion&) = delete;
  fft_repulsion& operator=(const fft_repulsion&) = delete;

  // For positions y (N x 2): rep (N x 2) = sum_j w_ij^2 (y_i - y_j), with
  // w_ij = 1 / (1 + |y_i - y_j|^2); returns Z = sum over i != j of w_ij.
  double compute(std::span<const double> y, std::span<double> rep);

 private:
  struct grid;
  int threads_;
  std::unique_ptr<grid> grid_;
};

}  // namespace aerec::map_detail
