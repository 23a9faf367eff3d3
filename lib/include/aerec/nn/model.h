#pragma once
// A trained recommender: the autoencoder with the ids of its columns, the
// rating scale it predicts on, what its rows and outputs are, and free-form
// metadata (the CLI stores the training configuration and metrics there as JSON).
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "aerec/data/dataset.h"
#include "aerec/data/id_map.h"
#include "aerec/nn/autoencoder.h"

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

// What a model's rows are: users (each row a user's ratings of the movies
// that are its columns), items (item-based, as I-AutoRec and GLocal-K:
// each row a movie's ratings by the users it was trained on, its columns),
// images (each row an image's pixels in [0, 1]; its columns are pixels,
// numbered from 1), or sequences (each row a user's last movies in time
// order; its columns are the movies it scores as the next ones). The names
// are stored in model files.
enum class row_kind { users, items, images, sequences };
// What it outputs: ratings on its scale, ranking scores (Mult-VAE and
// Mult-DAE's logits over implicit feedback), which no scale bounds, or an
// image's reconstructed pixels.
enum class output_kind { rating, ranking, pixels };
const char* row_kind_name(row_kind k);
const char* output_kind_name(output_kind k);
// Throw error_code::invalid_argument listing the known names.
row_kind parse_row_kind(const std::string& name);
output_kind parse_output_kind(const std::string& name);

struct model_meaning {
  row_kind rows = row_kind::users;
  output_kind output = output_kind::rating;
  bool operator==(const model_meaning&) const = default;
};
// An image autoencoder's meaning, and its columns' ids (1..pixels).
model_meaning image_meaning();
// A sequence model's: it ranks the movies that come next.
model_meaning sequence_meaning();
id_map pixel_ids(int pixels);

class model {
 public:
  model(std::unique_ptr<autoencoder> network, id_map items, rating_scale scale, model_meaning meaning = {},
        std::string metadata = {});

  autoencoder& network() { return *network_; }
  const id_map& items() const { return items_; }
  rating_scale scale() const { return scale_; }
  const model_meaning& meaning() const { return meaning_; }
  // Why this model cannot take a user's ratings by movie id (an item-based
  // model's columns are users); empty when it can. The wasm module needs it to.
  std::string user_input_problem() const;
  bool ranks() const { return meaning_.output == output_kind::ranking; }
  bool images() const { return meaning_.rows == row_kind::images; }
  bool sequences() const { return meaning_.rows == row_kind::sequences; }

  // A sequence model's scores for the movie that comes next after each
  // history (movie columns in time order; their ratings too when the network
  // reads them, else `ratings` may be empty): histories x items(), row-major,
  // the first decoder step's logits (only their order means something).
  std::vector<float> next_scores(std::span<const std::vector<std::int32_t>> histories,
                                 std::span<const std::vector<float>> ratings);
  // The k movies a sequence model predicts next after `history` (by movie id,
  // in the order they were rated), best first, rated ones left out. Throws
  // error_code::invalid_argument for a model that is not a sequence model, a
  // movie rated twice or a bad rating, unknown_id for a movie it does not know.
  std::vector<recommendation> next_items(std::span<const item_rating> history, std::size_t k);

  // An image model's reconstructions of `pixels` (whole images, items()
  // pixels each, row-major). Throws error_code::invalid_argument for a
  // length that is not whole images, or a pixel outside [0, 1] (NaN too).
  std::vector<float> reconstruct(std::span<const float> pixels);

  // What the network takes for users' ratings: the ratings, or for a ranking
  // model their implicit feedback (ratings of liked_rating or more, as an
  // L2-normalised indicator), as it was trained on.
  sparse_batch network_input(const sparse_batch& user_ratings) const;
  const std::string& metadata() const { return metadata_; }
  void set_metadata(std::string metadata) { metadata_ = std::move(metadata); }

  // Users' ratings as a batch, a row each. Throws error_code::unknown_id for a
  // movie the model does not know and invalid_argument for a rating outside
  // the scale, a non-finite rating or a movie rated twice by one user.
  sparse_batch to_batch(std::span<const std::span<const item_rating>> users) const;

  // The same from dense rows in column order (items() wide each, 0 = not
  // rated), as the wasm module receives them: no ids to look up.
  sparse_batch dense_to_batch(std::span<const float> rows) const;

  // Predicted ratings for every movie, in column order, clipped to the scale;
  // for a ranking model its scores (logits: only their order means something).
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
  // first, with their predictions (as predict gives them).
  std::vector<recommendation> recommend(std::span<const item_rating> user_ratings, std::size_t k);
  std::vector<recommendation> recommend(const sparse_batch& user, std::size_t k);

 private:
  // A rating clipped to the scale; a ranking score as it is.
  float clip(float prediction) const;
  // Throws invalid_argument for a non-finite rating or one outside the scale.
  void check_rating(std::int32_t item_id, float value) const;
  std::vector<float> predictions(const sparse_batch& batch);

  std::unique_ptr<autoencoder> network_;
  id_map items_;
  rating_scale scale_;
  model_meaning meaning_;
  std::string metadata_;
};

}  // namespace aerec
