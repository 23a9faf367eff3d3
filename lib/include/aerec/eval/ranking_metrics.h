#pragma once
// Top-N figures: how well a model ranks the movies a user rated highly in the
// test part among all the movies they did not rate in the input.
#include <cstdint>
#include <vector>

#include "aerec/data/implicit_feedback.h"
#include "aerec/eval/metrics.h"

namespace aerec {

struct ranking_options {
  std::vector<int> ks = {10, 20, 50, 100};
  // A test rating at or above this is relevant (4 of 5 stars by default).
  float relevance_threshold = liked_rating;
};

struct ranking_at_k {
  int k = 0;
  double precision = 0;  // hits / k, averaged over users
  double recall = 0;     // hits / min(k, relevant), as in Liang et al. (Mult-VAE)
  double ndcg = 0;       // binary relevance, normalised by the ideal ranking
  double coverage = 0;   // distinct movies in anyone's top k / all movies
};

struct ranking_metrics {
  std::vector<ranking_at_k> at;  // in the order of options.ks
  std::size_t users = 0;         // users with at least one relevant test rating
};

// Ranks, for each row of `target` with a relevant rating, every column not
// rated in that row of `input` by `predict`'s scores (ties: lower column first).
// A user with fewer than k candidates gets all of them as their top k: precision
// still divides by k (the short list counts as padded with misses), recall and
// NDCG as usual. Every k must be positive (else error_code::invalid_argument).
ranking_metrics score_ranking(const ratings& input, const ratings& target, const ranking_options& options,
                              const row_predictor& predict);

ranking_metrics evaluate_ranking(autoencoder& model, const ratings& input, const ratings& target,
                                 const ranking_options& options);

// The baseline: every user gets the movies rated most often in `train`.
ranking_metrics evaluate_popularity(const ratings& train, const ratings& input, const ratings& target,
                                    const ranking_options& options);

}  // namespace aerec
