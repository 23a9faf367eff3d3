#include "aerec/serve/item_space.h"

#include <algorithm>
#include <cmath>

#include "aerec/core/error.h"

namespace aerec {

namespace {

// The output layer's weights as items x width: W is width x items (inputs x
// outputs), or kept as W^T, which already is.
std::vector<float> output_weights(autoencoder& net, std::int32_t items, int& width) {
  const std::vector<parameter> params = net.parameters();
  const auto it = std::find_if(params.rbegin(), params.rend(), [&](const parameter& p) {
    return p.rows > 0 && p.cols == items && p.size == static_cast<std::size_t>(p.rows) * p.cols;
  });
  if (it == params.rend())
    throw error(error_code::invalid_argument, "the model's output layer has no weights per movie");
  width = it->rows;
  std::vector<float> host(it->size);
  net.device().to_host(host.data(), it->value, it->size * sizeof(float));
  return it->transposed ? host : transposed(host, width, items);
}

}  // namespace

item_space::item_space(model& m) : items_(m.items().size()) {
  if (const std::string problem = m.user_input_problem(); !problem.empty())
    throw error(error_code::invalid_argument, "no item space: " + problem);
  unit_ = output_weights(m.network(), items_, width_);
  for (std::int32_t c = 0; c < items_; ++c) {
    float* v = unit_.data() + static_cast<std::size_t>(c) * width_;
    double norm = 0;
    for (int h = 0; h < width_; ++h) norm += static_cast<double>(v[h]) * v[h];
    if (norm == 0) continue;
    const auto scale = static_cast<float>(1 / std::sqrt(norm));
    for (int h = 0; h < width_; ++h) v[h] *= scale;
  }
}

std::vector<neighbour> item_space::nearest(std::int32_t column, std::size_t k) const {
  if (column < 0 || column >= items_)
    throw error(error_code::invalid_argument,
                "column " + std::to_string(column) + " is not a movie of the model");
  const float* a = unit_.data() + static_cast<std::size_t>(column) * width_;
  std::vector<neighbour> all;
  all.reserve(static_cast<std::size_t>(items_));
  for (std::int32_t c = 0; c < items_; ++c) {
    if (c == column) continue;
    const float* b = unit_.data() + static_cast<std::size_t>(c) * width_;
    double dot = 0;
    for (int h = 0; h < width_; ++h) dot += static_cast<double>(a[h]) * b[h];
    all.push_back({c, static_cast<float>(dot)});
  }
  k = std::min(k, all.size());
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(k), all.end(),
                    [](const neighbour& x, const neighbour& y) {
                      return x.similarity != y.similarity ? x.similarity > y.similarity : x.column < y.column;
                    });
  all.resize(k);
  return all;
}

}  // namespace aerec
