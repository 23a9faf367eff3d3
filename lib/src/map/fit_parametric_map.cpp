#include "aerec/map/fit_parametric_map.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "aerec/backend/device_array.h"
#include "aerec/core/error.h"
#include "aerec/core/rng.h"
#include "aerec/train/optimizer.h"

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

}  // namespace

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
  const std::vector<float> inputs = m.standardise(codes);

  optimizer_config config = default_optimizer_config(optimizer_kind::adam);
  config.lr = o.learning_rate;
  optimizer adam(b, config, parameters_of(m));
  std::vector<std::int32_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  const int batch = std::max(1, std::min(o.batch, static_cast<int>(n)));
  std::vector<float> x(static_cast<std::size_t>(batch) * code_size),
      target(static_cast<std::size_t>(batch) * 2), out(target.size());
  device_array<float> x_device(b, x.size()), d_out(b, target.size());
  for (int epoch = 0; epoch < o.epochs; ++epoch) {
    random.shuffle(std::span(order));
    for (std::size_t start = 0; start < n; start += static_cast<std::size_t>(batch)) {
      const int rows = static_cast<int>(std::min<std::size_t>(batch, n - start));
      for (int r = 0; r < rows; ++r) {
        const std::size_t i = static_cast<std::size_t>(order[start + r]);
        std::copy_n(&inputs[i * code_size], code_size, &x[static_cast<std::size_t>(r) * code_size]);
        target[r * 2] = places[i * 2] / map_scale;
        target[r * 2 + 1] = places[i * 2 + 1] / map_scale;
      }
      x_device.upload(std::span(x).first(static_cast<std::size_t>(rows) * code_size));
      const const_matrix_view output = m.forward({x_device.data(), rows, code_size});
      b.to_host(out.data(), output.data, static_cast<std::size_t>(rows) * 2 * sizeof(float));
      // d/d(out) of the mean over the batch of |out - target|^2.
      for (int k = 0; k < rows * 2; ++k) out[k] = 2 * (out[k] - target[k]) / static_cast<float>(rows);
      d_out.upload(std::span(out).first(static_cast<std::size_t>(rows) * 2));
      m.backward({d_out.data(), rows, 2});
      adam.step();
    }
  }
  return m;
}

}  // namespace aerec
