#include "map/exact_repulsion.h"

#include <vector>

#include "map/nearest_neighbors.h"

namespace aerec::map_detail {

namespace {

constexpr std::size_t lanes = 16;  // independent partial sums the compiler keeps in vector registers

}  // namespace

double exact_repulsion(std::span<const double> y, std::span<double> rep, int threads) {
  const std::size_t n = y.size() / 2;
  // Positions by axis, padded to whole lanes with points far away (their w is 0 in float).
  const std::size_t padded = (n + lanes - 1) / lanes * lanes;
  std::vector<float> xs(padded, 1e18f), ys(padded, 1e18f);
  for (std::size_t i = 0; i < n; ++i) {
    xs[i] = static_cast<float>(y[i * 2]);
    ys[i] = static_cast<float>(y[i * 2 + 1]);
  }
  std::vector<double> z_parts(n);
  for_each_block(n, threads, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      float z[lanes] = {}, fx[lanes] = {}, fy[lanes] = {};
      const float xi = xs[i], yi = ys[i];
      for (std::size_t j = 0; j < padded; j += lanes)
        for (std::size_t l = 0; l < lanes; ++l) {
          const float dx = xi - xs[j + l], dy = yi - ys[j + l];
          const float w = 1.0f / (1.0f + dx * dx + dy * dy);
          z[l] += w;
          fx[l] += w * w * dx;
          fy[l] += w * w * dy;
        }
      double zi = 0, gx = 0, gy = 0;
      for (std::size_t l = 0; l < lanes; ++l) zi += z[l], gx += fx[l], gy += fy[l];
      z_parts[i] = zi - 1;  // its own w_ii = 1
      rep[i * 2] = gx;
      rep[i * 2 + 1] = gy;
    }
  });
  double z = 0;
  for (const double v : z_parts) z += v;
  return z;
}

}  // namespace aerec::map_detail
