#include "aerec/nn/model.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <numeric>
#include <sstream>

#include "aerec/core/error.h"
#include "aerec/data/implicit_feedback.h"
#include "core/names.h"
#include "data/nonzeros.h"

namespace aerec {

const char* row_kind_name(row_kind k) {
  switch (k) {
    case row_kind::users:
      return "users";
    case row_kind::items:
      return "items";
    case row_kind::images:
      return "images";
    case row_kind::sequences:
      return "sequences";
  }
  return "?";
}

const char* output_kind_name(output_kind k) {
  switch (k) {
    case output_kind::rating:
      return "rating";
    case output_kind::ranking:
      return "ranking";
    case output_kind::pixels:
      return "pixels";
  }
  return "?";
}

row_kind parse_row_kind(const std::string& name) {
  static const std::vector<row_kind> all = {row_kind::users, row_kind::items, row_kind::images,
                                            row_kind::sequences};
  return find_by_name("kind of rows", name, all, row_kind_name);
}

output_kind parse_output_kind(const std::string& name) {
  static const std::vector<output_kind> all = {output_kind::rating, output_kind::ranking,
                                               output_kind::pixels};
  return find_by_name("kind of output", name, all, output_kind_name);
}

namespace {

// The k columns with the highest scores that are not rated, best first (ties: the lower column first).
std::vector<std::int32_t> best_unrated(std::span<const float> scores, const std::vector<bool>& rated,
                                       std::size_t k) {
  std::vector<std::int32_t> candidates;
  for (std::size_t c = 0; c < scores.size(); ++c)
    if (!rated[c]) candidates.push_back(static_cast<std::int32_t>(c));
  k = std::min(k, candidates.size());
  std::partial_sort(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(k), candidates.end(),
                    [&](std::int32_t a, std::int32_t b) {
                      const float sa = scores[static_cast<std::size_t>(a)];
                      const float sb = scores[static_cast<std::size_t>(b)];
                      return sa != sb ? sa > sb : a < b;
                    });
  candidates.resize(k);
  return candidates;
}

}  // namespace

model_meaning image_meaning() { return {row_kind::images, output_kind::pixels}; }
model_meaning sequence_meaning() { return {row_kind::sequences, output_kind::ranking}; }

id_map pixel_ids(int pixels) {
  std::vector<std::int32_t> ids(static_cast<std::size_t>(pixels));
  std::iota(ids.begin(), ids.end(), 1);
  return id_map(std::move(ids));
}

model::model(std::unique_ptr<autoencoder> network, id_map items, rating_scale scale, model_meaning meaning,
             std::string metadata)
    : network_(std::move(network)),
      items_(std::move(items)),
      scale_(scale),
      meaning_(meaning),
      metadata_(std::move(metadata)) {
  AEREC_ASSERT(network_ && network_->columns() == items_.size());
  AEREC_ASSERT(sequences() == reads_sequences(network_->specs()));
}

std::string model::user_input_problem() const {
  if (meaning_.rows == row_kind::items)
    return "an item-based model: its columns are the users it was trained on, not movies";
  if (images()) return "an image model: it takes pixels, not ratings";
  if (sequences()) return "a sequence model: it takes movies in the order they were rated (--next)";
  return {};
}

std::vector<float> model::reconstruct(std::span<const float> pixels) {
  AEREC_ASSERT(images());
  const auto n = static_cast<std::size_t>(items_.size());
  if (pixels.empty() || pixels.size() % n != 0)
    throw error(
        error_code::invalid_argument,
        std::to_string(pixels.size()) + " pixels are not whole images of " + std::to_string(n) + " pixels");
  for (std::size_t i = 0; i < pixels.size(); ++i)
    if (!(pixels[i] >= 0 && pixels[i] <= 1))
      throw error(error_code::invalid_argument, "pixel " + std::to_string(i % n) + " of image " +
                                                    std::to_string(i / n) + " is outside 0..1");
  return network_->predict(pixels);
}

sparse_batch model::to_batch(std::span<const std::span<const item_rating>> users) const {
  std::vector<rating_entry> entries;
  for (std::size_t row = 0; row < users.size(); ++row)
    for (const item_rating& r : users[row]) {
      const std::int32_t col = items_.index_of(r.item_id, "movie");
      check_rating(r.item_id, r.value);
      entries.push_back({static_cast<std::int32_t>(row), col, r.value});
    }
  std::sort(entries.begin(), entries.end(), [](const rating_entry& a, const rating_entry& b) {
    return a.row != b.row ? a.row < b.row : a.col < b.col;
  });
  for (std::size_t k = 1; k < entries.size(); ++k)
    if (entries[k].row == entries[k - 1].row && entries[k].col == entries[k - 1].col)
      throw error(error_code::invalid_argument,
                  "movie " + std::to_string(items_.id(entries[k].col)) + " is rated twice");
  const auto n = static_cast<std::int32_t>(users.size());
  const ratings all(n, items_.size(), entries);
  std::vector<std::int32_t> rows(users.size());
  std::iota(rows.begin(), rows.end(), 0);
  return gather_rows(all, rows);
}

void model::check_rating(std::int32_t item_id, float value) const {
  if (!std::isfinite(value))
    throw error(error_code::invalid_argument,
                "the rating for movie " + std::to_string(item_id) + " is not a number");
  if (value < scale_.min || value > scale_.max) {
    std::ostringstream s;
    s << "rating " << value << " for movie " << item_id << " is outside " << scale_.min << ".." << scale_.max;
    throw error(error_code::invalid_argument, s.str());
  }
}

sparse_batch model::dense_to_batch(std::span<const float> rows) const {
  const auto n = static_cast<std::size_t>(items_.size());
  AEREC_ASSERT(rows.size() % n == 0);
  sparse_batch batch;
  batch.cols = items_.size();
  // Up to 64 rows' rated entries packed one after another into room for all of
  // them (not zeroed: a megabyte for 64 users of ML-1M's width), then appended
  // at once: in wasm, each append of more than 512 bytes is a call out to
  // JavaScript's copy. Nothing here calls what can throw: in wasm such a call
  // goes through a JavaScript trampoline.
  const std::size_t chunk = 64 * n, room = nonzeros_room(std::min(rows.size(), chunk));
  const std::unique_ptr<float[]> values(new float[room]);
  const std::unique_ptr<int[]> cols(new int[room]);
  for (std::size_t first = 0; first < rows.size(); first += chunk) {
    std::size_t count = 0;
    for (std::size_t start = first; start < std::min(rows.size(), first + chunk); start += n) {
      count += nonzeros(rows.subspan(start, n), values.get() + count, cols.get() + count);
      batch.offsets.push_back(static_cast<int>(batch.values.size() + count));
    }
    batch.values.insert(batch.values.end(), values.get(), values.get() + count);
    batch.cols_index.insert(batch.cols_index.end(), cols.get(), cols.get() + count);
  }
  // Checked in the same order, check_rating (which can throw) called for a bad rating only.
  for (std::size_t e = 0; e < batch.values.size(); ++e)
    if (const float v = batch.values[e]; !(v >= scale_.min && v <= scale_.max))
      check_rating(items_.id(batch.cols_index[e]), v);
  return batch;
}

sparse_batch model::network_input(const sparse_batch& user_ratings) const {
  return ranks() ? implicit_feedback(user_ratings, liked_rating) : user_ratings;
}

float model::clip(float prediction) const {
  return ranks() ? prediction : std::clamp(prediction, scale_.min, scale_.max);
}

std::vector<float> model::predict(std::span<const item_rating> user_ratings) {
  return predict_rows(std::span(&user_ratings, 1));
}

std::vector<float> model::predict_rows(std::span<const std::span<const item_rating>> users) {
  return predictions(to_batch(users));
}

std::vector<float> model::predict_dense(std::span<const float> rows) {
  return predictions(dense_to_batch(rows));
}

std::vector<float> model::predictions(const sparse_batch& batch) {
  // Clipped as the network's outputs are copied out, as clip() would.
  return ranks() ? network_->predict(network_input(batch))
                 : network_->predict(network_input(batch), scale_.min, scale_.max);
}

std::vector<float> model::encode(std::span<const item_rating> user_ratings) {
  return encode(to_batch(std::span(&user_ratings, 1)));
}

std::vector<float> model::encode(const sparse_batch& user) {
  AEREC_ASSERT(user.rows() == 1);
  return network_->encode(network_input(user));
}

std::vector<recommendation> model::recommend(std::span<const item_rating> user_ratings, std::size_t k) {
  return recommend(to_batch(std::span(&user_ratings, 1)), k);
}

std::vector<recommendation> model::recommend(const sparse_batch& batch, std::size_t k) {
  AEREC_ASSERT(batch.rows() == 1);
  // Ranked by the raw outputs, which still order the movies that clipping ties at the top.
  const std::vector<float> raw = network_->predict(network_input(batch));
  std::vector<bool> rated(raw.size(), false);
  for (const int c : batch.cols_index) rated[static_cast<std::size_t>(c)] = true;
  std::vector<recommendation> top;
  for (const std::int32_t c : best_unrated(raw, rated, k))
    top.push_back({items_.id(c), clip(raw[static_cast<std::size_t>(c)])});
  return top;
}

std::vector<float> model::next_scores(std::span<const std::vector<std::int32_t>> histories,
                                      std::span<const std::vector<float>> ratings) {
  if (!sequences())
    throw error(error_code::invalid_argument, "not a sequence model: it predicts no next movies");
  const sequence_shape s = sequence_shape_of(network_->specs());
  const auto width = static_cast<std::size_t>(s.input_width()),
             cols = static_cast<std::size_t>(items_.size());
  std::vector<float> rows(histories.size() * width);
  for (std::size_t u = 0; u < histories.size(); ++u)
    write_sequence_row(s, histories[u],
                       s.with_rating ? std::span<const float>(ratings[u]) : std::span<const float>(),
                       std::span(rows).subspan(u * width, width));
  const std::vector<float> out = network_->predict(std::span<const float>(rows));
  // Each row holds `steps` score vectors: the first is the next movie's.
  const std::size_t stride = out.size() / std::max<std::size_t>(histories.size(), 1);
  std::vector<float> scores(histories.size() * cols);
  for (std::size_t u = 0; u < histories.size(); ++u)
    std::copy_n(out.begin() + static_cast<std::ptrdiff_t>(u * stride), cols,
                scores.begin() + static_cast<std::ptrdiff_t>(u * cols));
  return scores;
}

std::vector<recommendation> model::next_items(std::span<const item_rating> history, std::size_t k) {
  if (!sequences())
    throw error(error_code::invalid_argument, "not a sequence model: it predicts no next movies");
  std::vector<std::vector<std::int32_t>> columns(1);
  std::vector<std::vector<float>> values(1);
  std::vector<bool> rated(static_cast<std::size_t>(items_.size()));
  for (const item_rating& r : history) {
    const std::int32_t col = items_.index_of(r.item_id, "movie");
    check_rating(r.item_id, r.value);
    if (rated[static_cast<std::size_t>(col)])
      throw error(error_code::invalid_argument, "movie " + std::to_string(r.item_id) + " is rated twice");
    rated[static_cast<std::size_t>(col)] = true;
    columns[0].push_back(col);
    values[0].push_back(r.value);
  }
  const std::vector<float> scores = next_scores(columns, values);
  std::vector<recommendation> top;
  for (const std::int32_t c : best_unrated(scores, rated, k))
    top.push_back({items_.id(c), scores[static_cast<std::size_t>(c)]});
  return top;
}

}  // namespace aerec
