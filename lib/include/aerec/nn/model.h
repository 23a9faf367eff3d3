#pragma once
// A trained recommender: the autoencoder with the movie ids of its columns,
// the rating scale it predicts on, and free-form metadata (the CLI stores the
// training configuration and metrics there as JSON).
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "aerec/nn/autoencoder.h"
#include "aerec/data/dataset.h"
#include "aerec/data/id_map.h"

namespace aerec {

// A rating by external movie id.
struct item_rating {
  std::int32_t item_id;
  float value;
};

struct recommendation {
  std::int32_t item_id;
  float score;
};

class model {
 public:
  model(std::unique_ptr<autoencoder> network, id_map items, rating_scale scale,
        std::string metadata = {});

  autoencoder& network() { return *network_; }
  const id_map& items() const { return items_; }
  rating_scale scale() const { return scale_; }
  const std::string& metadata() const { return metadata_; }
  void set_metadata(std::string metadata) { metadata_ = std::move(metadata); }

  // Users' ratings as a batch, a row each. Throws error_code::unknown_id for a
  // movie the model does not know and invalid_argument for a rating outside
  // the scale, a non-finite rating or a movie rated twice by one user.
  sparse_batch to_batch(std::span<const std::span<const item_rating>> users) const;

  // The same from dense rows in column order (items() wide each, 0 = not
  // rated), as the wasm module receives them: no ids to look up.
  sparse_batch dense_to_batch(std::span<const float> rows) const;

  // Predicted ratings for every movie, in column order, clipped to the scale.
  std::vector<float> predict(std::span<const item_rating> user_ratings);
  // The same for several users in one batch: users x items, row-major.
  std::vector<float> predict_rows(std::span<const std::span<const item_rating>> users);
  // The same for dense rows (see dense_to_batch).
  std::vector<float> predict_dense(std::span<const float> rows);

  // The user's code: the activations of the network's code layer.
  std::vector<float> encode(std::span<const item_rating> user_ratings);
  // The same for one user's batch (from to_batch or dense_to_batch).
  std::vector<float> encode(const sparse_batch& user);

  // The k movies with the highest predictions that the user has not rated, best
  // first, with their clipped predictions.
  std::vector<recommendation> recommend(std::span<const item_rating> user_ratings, std::size_t k);
  std::vector<recommendation> recommend(const sparse_batch& user, std::size_t k);

 private:
  float clip(float prediction) const;
  // Throws invalid_argument for a non-finite rating or one outside the scale.
  void check_rating(std::int32_t item_id, float value) const;
  std::vector<float> clipped_predictions(const sparse_batch& batch);

  std::unique_ptr<autoencoder> network_;
  id_map items_;
  rating_scale scale_;
  std::string metadata_;
};

}  // namespace aerec
