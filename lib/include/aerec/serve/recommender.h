#pragma once
// What a page shows one user, from one model or two: a ranking model (Mult-DAE
// or Mult-VAE) orders the movies and a rating model predicts the stars. A
// rating model alone does both (it ranks by its predictions); a ranking model
// alone shows no stars.
#include <cstdint>
#include <span>
#include <vector>

#include "aerec/nn/model.h"
#include "aerec/serve/explain.h"

namespace aerec {

// How much a predicted star adds to a ranking model's log-probability when
// both models rank together, so that low ratings move the list too (a ranking
// model sees only the ratings of liked_rating or more). On ML-1M's validation
// users (bench/demo_quality.mjs --part validation, never the test users), with
// a 48-unit rating model, recall@20 is flat from 0 to 0.25 (0.3565-0.3577) and
// falls beyond (0.3495 at 0.5, 0.3357 at 1): 0.25 is the largest weight within
// 0.002 of the best. With the shipped rating model: 0.3565 at 0, 0.3569 at 0.25.
inline constexpr float default_star_weight = 0.25f;

struct user_predictions {
  std::vector<float> scores;  // what ranks the movies: higher is better
  std::vector<float> stars;   // predicted ratings, clipped to the scale; empty without a rating model
};

class recommender {
 public:
  // The models are borrowed and must outlive it. At least one; a ranking
  // model must rank and a rating model predict ratings, both of users by the
  // same movies (throws error_code::invalid_argument otherwise).
  recommender(model* ranking, model* rating, float star_weight = default_star_weight);

  const id_map& items() const { return any().items(); }
  bool has_stars() const { return rating_ != nullptr; }
  // The rating model's scale (the ranking model's when it is alone).
  rating_scale scale() const { return (rating_ ? rating_ : ranking_)->scale(); }

  // For users' dense rows (row-major, items() wide each, 0 = not rated; checked
  // as model::dense_to_batch checks them): every movie's score and stars. A
  // score is the ranking model's log-probability of the movie plus
  // star_weight x its stars; a rating model's raw prediction when it is alone,
  // the ranking model's logit (its prediction) when that is alone.
  user_predictions predict(std::span<const float> rows);
  std::vector<float> scores(std::span<const float> rows) { return predict(rows).scores; }
  // What a page shows of predict's answer: the stars where there is a rating model, else the
  // scores; of a rating model alone, without a second copy of its predictions.
  std::vector<float> shown(std::span<const float> rows);

  // The k best movies the user has not rated, best first, with their score
  // (a rating model alone: its clipped prediction) and stars (the score
  // again without a rating model).
  struct recommended {
    std::int32_t column;
    float score;
    float stars;
  };
  std::vector<recommended> recommend(std::span<const float> row, std::size_t k);

  // For each of `columns`, the rated movies that raise its score most (explain.h).
  std::vector<std::vector<reason>> explain(std::span<const float> row, std::span<const std::int32_t> columns,
                                           std::size_t k);

 private:
  const model& any() const { return ranking_ ? *ranking_ : *rating_; }

  model* ranking_;
  model* rating_;
  float star_weight_;
};

}  // namespace aerec
