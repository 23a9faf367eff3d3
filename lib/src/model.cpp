#include "aerec/model.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "aerec/error.h"

namespace aerec {

model::model(std::unique_ptr<autoencoder> network, id_map items, rating_scale scale,
             std::string metadata)
    : network_(std::move(network)), items_(std::move(items)), scale_(scale),
      metadata_(std::move(metadata)) {
  AEREC_ASSERT(network_ && network_->items() == items_.size());
}

sparse_batch model::to_batch(std::span<const item_rating> user_ratings) const {
  std::vector<rating_entry> entries;
  for (const item_rating& r : user_ratings) {
    const std::int32_t col = items_.index_of(r.item_id, "movie");
    if (!std::isfinite(r.value))
      throw error(error_code::invalid_argument,
                  "the rating for movie " + std::to_string(r.item_id) + " is not a number");
    if (r.value < scale_.min || r.value > scale_.max) {
      std::ostringstream s;
      s << "rating " << r.value << " for movie " << r.item_id << " is outside " << scale_.min
        << ".." << scale_.max;
      throw error(error_code::invalid_argument, s.str());
    }
    entries.push_back({0, col, r.value});
  }
  std::sort(entries.begin(), entries.end(),
            [](const rating_entry& a, const rating_entry& b) { return a.col < b.col; });
  for (std::size_t k = 1; k < entries.size(); ++k)
    if (entries[k].col == entries[k - 1].col)
      throw error(error_code::invalid_argument,
                  "movie " + std::to_string(items_.id(entries[k].col)) + " is rated twice");
  const ratings row(1, items_.size(), entries);
  const std::int32_t first = 0;
  return gather_rows(row, std::span(&first, 1));
}

float model::clip(float prediction) const {
  return std::clamp(prediction, scale_.min, scale_.max);
}

std::vector<float> model::predict(std::span<const item_rating> user_ratings) {
  std::vector<float> out = network_->predict(to_batch(user_ratings));
  for (float& v : out) v = clip(v);
  return out;
}

std::vector<float> model::encode(std::span<const item_rating> user_ratings) {
  return network_->encode(to_batch(user_ratings));
}

std::vector<recommendation> model::recommend(std::span<const item_rating> user_ratings,
                                             std::size_t k) {
  const sparse_batch batch = to_batch(user_ratings);
  // Ranked by the raw outputs, which still order the movies that clipping ties at the top.
  const std::vector<float> raw = network_->predict(batch);
  std::vector<bool> rated(raw.size(), false);
  for (const int c : batch.cols_index) rated[static_cast<std::size_t>(c)] = true;
  std::vector<std::int32_t> candidates;
  for (std::int32_t c = 0; c < items_.size(); ++c)
    if (!rated[static_cast<std::size_t>(c)]) candidates.push_back(c);
  k = std::min(k, candidates.size());
  std::partial_sort(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(k),
                    candidates.end(), [&](std::int32_t a, std::int32_t b) {
                      const float sa = raw[static_cast<std::size_t>(a)];
                      const float sb = raw[static_cast<std::size_t>(b)];
                      return sa != sb ? sa > sb : a < b;
                    });
  std::vector<recommendation> top;
  for (std::size_t i = 0; i < k; ++i)
    top.push_back({items_.id(candidates[i]), clip(raw[static_cast<std::size_t>(candidates[i])])});
  return top;
}

}  // namespace aerec
