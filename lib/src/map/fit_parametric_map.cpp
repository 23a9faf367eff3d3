#include "aerec/map/fit_parametric_map.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <numeric>
#include <string>

#include "aerec/backend/device_array.h"
#include "aerec/core/error.h"
#include "aerec/core/rng.h"
#include "aerec/train/optimizer.h"
#include "map/nearest_neighbors.h"

namespace aerec {

namespace {

// Each dimension's mean and standard deviation (1 where it does not vary).
void moments(std::span<const float> x, int width, std::vector<float>& mean, std::vector<float>& sd) {
  const std::size_t n = x.size() / static_cast<std::size_t>(width);
  std::vector<double> sum(static_cast<std::size_t>(width), 0), square(sum.size(), 0);
  for (std::size_t k = 0; k < x.size(); ++k) {
    sum[k % sum.size()] += x[k];
    square[k % sum.size()] += static_cast<double>(x[k]) * x[k];
  }
  mean.resize(sum.size());
  sd.resize(sum.size());
  for (std::size_t d = 0; d < sum.size(); ++d) {
    const double m = sum[d] / static_cast<double>(n);
    const double v = square[d] / static_cast<double>(n) - m * m;
    mean[d] = static_cast<float>(m);
    sd[d] = v > 1e-12 ? static_cast<float>(std::sqrt(v)) : 1.0f;
  }
}

std::vector<parameter> parameters_of(parametric_map& m) {
  std::vector<parameter> out;
  for (layer* l : m.layers())
    for (const parameter& p : l->parameters()) out.push_back(p);
  return out;
}

// The standardised codes and places the network learns from.
struct examples {
  std::vector<float> inputs, targets;
  int code_size = 0;
  map_detail::neighbor_lists near;  // each code's nearest others (k 0: no mixing)
};

// Row r of a batch: example i, its code moved up to half way towards one of
// its nearest codes (so that it stays the nearer), its place kept. Moving the
// place too, as mixup does, drew held-out codes into the gaps between the
// map's clusters.
void fill_row(const examples& e, std::size_t i, int r, rng& random, std::vector<float>& x,
              std::vector<float>& target) {
  const std::size_t c = static_cast<std::size_t>(e.code_size);
  float* const row = &x[static_cast<std::size_t>(r) * c];
  std::copy_n(&e.inputs[i * c], c, row);
  std::copy_n(&e.targets[i * 2], 2, &target[static_cast<std::size_t>(r) * 2]);
  if (e.near.k == 0) return;
  const std::size_t k = static_cast<std::size_t>(e.near.k);
  const std::size_t j =
      static_cast<std::size_t>(e.near.index[i * k + random.below(static_cast<std::uint32_t>(k))]);
  const float along = random.uniform(0, 0.5f);
  for (std::size_t d = 0; d < c; ++d) row[d] += along * (e.inputs[j * c + d] - row[d]);
}

}  // namespace

double placement_loss(std::span<const float> placed, std::span<const float> target,
                      std::span<float> d_placed) {
  const std::size_t rows = placed.size() / 2;
  double sum = 0;
  for (std::size_t r = 0; r < rows; ++r) {
    const float dx = placed[r * 2] - target[r * 2], dy = placed[r * 2 + 1] - target[r * 2 + 1];
    const float distance = std::hypot(dx, dy);
    sum += distance;
    // The floor keeps the gradient finite where a place is its target.
    const float scale = 1 / (std::max(distance, 1e-6f) * static_cast<float>(rows));
    d_placed[r * 2] = dx * scale;
    d_placed[r * 2 + 1] = dy * scale;
  }
  return rows ? sum / static_cast<double>(rows) : 0;
}

parametric_map fit_parametric_map(backend& b, std::span<const float> codes, int code_size,
                                  std::span<const float> places, const parametric_map_options& o) {
  const std::size_t n = places.size() / 2;
  if (code_size < 1 || codes.size() != n * static_cast<std::size_t>(code_size) || n < 2 || places.size() % 2)
    throw error(error_code::invalid_argument, "a parametric map needs at least 2 codes of " +
                                                  std::to_string(code_size) +
                                                  " numbers and a place for each");
  parametric_map m(b, code_size, o.hidden);
  rng random(o.seed);
  for (layer* l : m.layers()) l->initialize(init_scheme::xavier, random);
  std::vector<float> mean, scale, place_mean, place_sd;
  moments(codes, code_size, mean, scale);
  moments(places, 2, place_mean, place_sd);
  // One scale for both axes keeps the map's shape; the map is centred already.
  const float map_scale = std::sqrt((place_sd[0] * place_sd[0] + place_sd[1] * place_sd[1]) / 2);
  m.set_standardisation(std::move(mean), std::move(scale), map_scale);
  examples e{m.standardise(codes), {}, code_size, {}};
  for (const float p : places) e.targets.push_back(p / map_scale);
  if (o.mix_neighbors > 0)
    e.near = map_detail::nearest_neighbors(e.inputs, code_size,
                                           std::min(o.mix_neighbors, static_cast<int>(n) - 1), 1);

  optimizer_config config = default_optimizer_config(optimizer_kind::adam);
  config.weight_decay = o.weight_decay;
  optimizer adam(b, config, parameters_of(m));
  std::vector<std::int32_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  const int batch = std::max(1, std::min(o.batch, static_cast<int>(n)));
  std::vector<float> x(static_cast<std::size_t>(batch) * code_size),
      target(static_cast<std::size_t>(batch) * 2), out(target.size());
  device_array<float> x_device(b, x.size()), d_out(b, target.size());
  for (int epoch = 0; epoch < o.epochs; ++epoch) {
    const double done = epoch / static_cast<double>(o.epochs);
    adam.set_learning_rate(o.learning_rate * 0.5 * (1 + std::cos(std::numbers::pi * done)));
    random.shuffle(std::span(order));
    for (std::size_t start = 0; start < n; start += static_cast<std::size_t>(batch)) {
      const int rows = static_cast<int>(std::min<std::size_t>(batch, n - start));
      for (int r = 0; r < rows; ++r)
        fill_row(e, static_cast<std::size_t>(order[start + r]), r, random, x, target);
      const std::size_t values = static_cast<std::size_t>(rows) * 2;
      x_device.upload(std::span(x).first(static_cast<std::size_t>(rows) * code_size));
      const const_matrix_view output = m.forward({x_device.data(), rows, code_size});
      b.to_host(out.data(), output.data, values * sizeof(float));
      placement_loss(std::span(out).first(values), std::span(target).first(values),
                     std::span(out).first(values));
      d_out.upload(std::span(out).first(values));
      m.backward({d_out.data(), rows, 2});
      adam.step();
    }
  }
  return m;
}

}  // namespace aerec
