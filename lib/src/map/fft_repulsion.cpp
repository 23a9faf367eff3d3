#include "map/fft_repulsion.h"

#include <fftw3.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <mutex>
#include <vector>

#include "map/nearest_neighbors.h"

namespace aerec::map_detail {

namespace {

constexpr int nodes_per_box = 3;
constexpr int terms = 4;       // charges 1, x, y, x^2 + y^2
constexpr int min_boxes = 10;  // openTSNE's default for 2-D maps (FIt-SNE's 50 changed no KL here)
// At most half a unit of the map per box. FIt-SNE's and openTSNE's whole unit
// interpolates the kernel's peak (width 1, whose nearest poles are 1 away) too
// coarsely: 2% error in the repulsion among a cluster's points, and the final
// KL of 10,000 Fashion-MNIST images 4% above the exact repulsion's (0.7 of a
// unit: 1.5%, 0.6: 0.8%, 0.5: none). The error falls as the box's cube.
constexpr double box_length = 0.5;

// FFTW's planner is not thread-safe; plans are made one at a time.
std::mutex& planner_lock() {
  static std::mutex m;
  return m;
}

// The next box count whose grid size factors into 2, 3, 5 and 7 (FFTW is fastest there).
int friendly_boxes(int boxes) {
  for (;; ++boxes) {
    int m = 2 * nodes_per_box * boxes;
    for (const int f : {2, 3, 5, 7})
      while (m % f == 0) m /= f;
    if (m == 1) return boxes;
  }
}

// The three Lagrange basis polynomials through the box's nodes at (k + 1/2) / 3, at u in [0, 1].
std::array<double, 3> lagrange(double u) {
  constexpr double a = 1.0 / 6, b = 0.5, c = 5.0 / 6, h = 1.0 / 3;
  return {(u - b) * (u - c) / (2 * h * h), -(u - a) * (u - c) / (h * h), (u - a) * (u - b) / (2 * h * h)};
}

double squared_cauchy(double dx, double dy) {
  const double w = 1 / (1 + dx * dx + dy * dy);
  return w * w;
}

// A point's interaction with itself through the grid: spread to its box's
// nodes, the kernel between those nodes, interpolated back.
double own_kernel(const std::array<double, 3>& wx, const std::array<double, 3>& wy, double spacing) {
  double sum = 0;
  for (int a = 0; a < nodes_per_box; ++a)
    for (int b = 0; b < nodes_per_box; ++b)
      for (int c = 0; c < nodes_per_box; ++c)
        for (int d = 0; d < nodes_per_box; ++d)
          sum += wx[a] * wy[b] * wx[c] * wy[d] * squared_cauchy((a - c) * spacing, (b - d) * spacing);
  return sum;
}

}  // namespace

// FFTW plans and buffers for one grid size, kept while the size stays. In
// single precision: the FFTs are most of an iteration's time at 70,000 points,
// and float's rounding (1e-7, with the charges' coordinates centred on the
// grid) is far below the interpolation's error (1e-3). The 2-D transforms go
// by rows, then columns, so that the rows known to be zero (the circulant's
// padding) are neither stored nor transformed, nor the rows of the result no
// point reads:
// a quarter of the work. The kernel is even along both axes, so its spectrum
// is real: a 2-D cosine transform of one quadrant, a quarter of an FFT's size.
struct fft_repulsion::grid {
  int nodes = 0;                           // per side
  int size = 0;                            // 2 x nodes: the circulant embedding, per side
  int columns = 0;                         // size / 2 + 1: a real row's spectrum
  std::vector<float> charges;              // terms x nodes x size: the rows not of the padding
  std::vector<float> kernel, cosines;      // columns x columns: the kernel's quadrant and its spectrum
  std::complex<float>* spectra = nullptr;  // terms x size x columns
  fftwf_plan rows_forward = nullptr, columns_forward = nullptr, columns_backward = nullptr,
             rows_backward = nullptr, kernel_forward = nullptr;

  grid(int nodes_per_side, int threads)
      : nodes(nodes_per_side), size(2 * nodes_per_side), columns(nodes + 1) {
    const std::size_t real = static_cast<std::size_t>(nodes) * size;
    const std::size_t half = static_cast<std::size_t>(size) * columns;
    charges.assign(real * terms, 0);
    kernel.assign(static_cast<std::size_t>(columns) * columns, 0);
    cosines.assign(kernel.size(), 0);
    spectra = reinterpret_cast<std::complex<float>*>(fftwf_alloc_complex(half * terms));
    auto* c = reinterpret_cast<fftwf_complex*>(spectra);
    const int r = static_cast<int>(real), h = static_cast<int>(half);
    const fftwf_iodim row{size, 1, 1}, column{size, columns, columns};
    // Each term's first `nodes` rows, and each term's every column.
    const fftwf_iodim charged_rows[2] = {{terms, r, h}, {nodes, size, columns}};
    const fftwf_iodim spectrum_rows[2] = {{terms, h, r}, {nodes, columns, size}};
    const fftwf_iodim all_columns[2] = {{terms, h, h}, {columns, 1, 1}};
    const std::lock_guard hold(planner_lock());
    fftwf_plan_with_nthreads(threads);
    // FFTW_ESTIMATE: the same plans, and so the same bits, on every run.
    rows_forward = fftwf_plan_guru_dft_r2c(1, &row, 2, charged_rows, charges.data(), c, FFTW_ESTIMATE);
    columns_forward = fftwf_plan_guru_dft(1, &column, 2, all_columns, c, c, FFTW_FORWARD, FFTW_ESTIMATE);
    columns_backward = fftwf_plan_guru_dft(1, &column, 2, all_columns, c, c, FFTW_BACKWARD, FFTW_ESTIMATE);
    rows_backward = fftwf_plan_guru_dft_c2r(1, &row, 2, spectrum_rows, c, charges.data(),
                                            FFTW_ESTIMATE | FFTW_DESTROY_INPUT);
    kernel_forward = fftwf_plan_r2r_2d(columns, columns, kernel.data(), cosines.data(), FFTW_REDFT00,
                                       FFTW_REDFT00, FFTW_ESTIMATE);
  }
  ~grid() {
    const std::lock_guard hold(planner_lock());
    for (fftwf_plan p : {rows_forward, columns_forward, columns_backward, rows_backward, kernel_forward})
      fftwf_destroy_plan(p);
    fftwf_free(spectra);
  }
  grid(const grid&) = delete;
  grid& operator=(const grid&) = delete;

  // The squared Cauchy kernel at node offsets 0..nodes - 1 along each axis
  // (the circulant's first column is this quadrant mirrored, 0 at offset
  // `nodes`), and its spectrum.
  void set_kernel(double spacing) {
    for (int i = 0; i < columns; ++i)
      for (int j = 0; j < columns; ++j)
        kernel[static_cast<std::size_t>(i) * columns + j] =
            i == nodes || j == nodes ? 0 : static_cast<float>(squared_cauchy(i * spacing, j * spacing));
    fftwf_execute(kernel_forward);
  }

  void clear() { std::fill(charges.begin(), charges.end(), 0.0f); }

  // Every term's charges convolved with the kernel, in place.
  void convolve() {
    const std::size_t half = static_cast<std::size_t>(size) * columns;
    // The padding's rows transform to zero: set, not computed.
    for (int t = 0; t < terms; ++t)
      std::fill(spectra + t * half + static_cast<std::size_t>(nodes) * columns, spectra + (t + 1) * half,
                std::complex<float>());
    fftwf_execute(rows_forward);
    fftwf_execute(columns_forward);
    const float scale = 1.0f / (static_cast<float>(size) * static_cast<float>(size));
    for (int t = 0; t < terms; ++t)
      for (int u = 0; u < size; ++u) {
        const float* spectrum = &cosines[static_cast<std::size_t>(u <= nodes ? u : size - u) * columns];
        std::complex<float>* row = spectra + t * half + static_cast<std::size_t>(u) * columns;
        for (int v = 0; v < columns; ++v) row[v] *= spectrum[v] * scale;
      }
    fftwf_execute(columns_backward);
    fftwf_execute(rows_backward);
  }

  float& at(int term, int row, int col) {
    return charges[(static_cast<std::size_t>(term) * nodes + row) * size + col];
  }
};

fft_repulsion::fft_repulsion(int threads) : threads_(std::max(1, threads)) {
  static std::once_flag once;
  std::call_once(once, [] { fftwf_init_threads(); });
}

fft_repulsion::~fft_repulsion() = default;

double fft_repulsion::compute(std::span<const double> y, std::span<double> rep) {
  const std::size_t n = y.size() / 2;
  const auto [low, high] = std::minmax_element(y.begin(), y.end());
  const double span = std::max(*high - *low, 1e-12);
  const int boxes = friendly_boxes(std::max(min_boxes, static_cast<int>(span / box_length)));
  const double box_width = span / boxes;
  if (!grid_ || grid_->nodes != boxes * nodes_per_box)
    grid_ = std::make_unique<grid>(boxes * nodes_per_box, threads_);
  grid& g = *grid_;
  const double spacing = box_width / nodes_per_box;
  g.set_kernel(spacing);

  // Each point's box (node offset) and interpolation weights per axis.
  std::vector<int> corner(n * 2);
  std::vector<std::array<double, 3>> weight(n * 2);
  for (std::size_t k = 0; k < n * 2; ++k) {
    const int box = std::min(boxes - 1, static_cast<int>((y[k] - *low) / box_width));
    corner[k] = box * nodes_per_box;
    weight[k] = lagrange((y[k] - *low) / box_width - box);
  }
  // Charges from coordinates centred on the grid: the smaller |y|^2 term
  // loses fewer digits to cancellation in Z's sum.
  const double centre = (*low + *high) / 2;
  g.clear();
  for (std::size_t i = 0; i < n; ++i) {
    const double x0 = y[i * 2] - centre, x1 = y[i * 2 + 1] - centre;
    const double q[terms] = {1, x0, x1, x0 * x0 + x1 * x1};
    for (int a = 0; a < nodes_per_box; ++a)
      for (int b = 0; b < nodes_per_box; ++b) {
        const double w = weight[i * 2][a] * weight[i * 2 + 1][b];
        for (int t = 0; t < terms; ++t)
          g.at(t, corner[i * 2] + a, corner[i * 2 + 1] + b) += static_cast<float>(w * q[t]);
      }
  }
  g.convolve();

  std::vector<double> z_parts(n);
  for_each_block(n, threads_, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      double phi[terms] = {0, 0, 0, 0};
      for (int a = 0; a < nodes_per_box; ++a)
        for (int b = 0; b < nodes_per_box; ++b) {
          const double w = weight[i * 2][a] * weight[i * 2 + 1][b];
          for (int t = 0; t < terms; ++t) phi[t] += w * g.at(t, corner[i * 2] + a, corner[i * 2 + 1] + b);
        }
      const double x0 = y[i * 2] - centre, x1 = y[i * 2 + 1] - centre;
      // The point's own term interpolated is not its exact w_ii^2 = 1: swapped
      // for it, as a sparse map's normaliser would otherwise be off by N times the error.
      const double self = 1 - own_kernel(weight[i * 2], weight[i * 2 + 1], spacing);
      const double q[terms] = {1, x0, x1, x0 * x0 + x1 * x1};
      for (int t = 0; t < terms; ++t) phi[t] += self * q[t];
      // sum_j w_ij = sum_j w_ij^2 (1 + |y_i|^2 - 2 y_i.y_j + |y_j|^2), j = i included (w_ii = 1).
      z_parts[i] = (1 + x0 * x0 + x1 * x1) * phi[0] - 2 * (x0 * phi[1] + x1 * phi[2]) + phi[3];
      rep[i * 2] = x0 * phi[0] - phi[1];
      rep[i * 2 + 1] = x1 * phi[0] - phi[2];
    }
  });
  double z = 0;
  for (const double v : z_parts) z += v;
  return z - static_cast<double>(n);
}

}  // namespace aerec::map_detail
