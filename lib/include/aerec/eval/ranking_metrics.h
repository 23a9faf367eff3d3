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
  // Rank at most this many users (0: all): when more have a relevant test
  // rating, a fixed random sample of them (ranking_sample_for).
  std::size_t max_users = 0;
};

// Ranking every user's every movie costs users x movies scores: up to about
// 1e9 of them (ML-1M's are 2e7) all users are ranked; past that, a sample of
// 1e9 / movies users, so that the cost stays that of 1e9 scores (ML-25M's
// 59,047 movies: 18,184 of 162,541 users).
inline constexpr std::size_t ranking_score_budget = std::size_t{1} << 30;
std::size_t ranking_sample_for(std::size_t users, std::size_t movies);

struct ranking_at_k {
  int k = 0;
  double precision = 0;  // hits / k, averaged over users
  double recall = 0;     // hits / min(k, relevant), as in Liang et al. (Mult-VAE)
  double ndcg = 0;       // binary relevance, normalised by the ideal ranking
  double coverage = 0;   // distinct movies in anyone's top k / all movies
};

struct ranking_metrics {
  std::vector<ranking_at_k> at;  // in the order of options.ks
  std::size_t users = 0;         // users ranked: with at least one relevant test rating
  std::size_t sampled_from = 0;  // when a sample was ranked, how many users it was drawn from; else 0
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
