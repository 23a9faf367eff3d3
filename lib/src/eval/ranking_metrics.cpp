#include "aerec/eval/ranking_metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "aerec/core/error.h"
#include "aerec/core/rng.h"
#include "eval/batched_predictions.h"
#include "eval/unrated_columns.h"

namespace aerec {

namespace {

void check_options(const ranking_options& options) {
  for (const int k : options.ks)
    if (k <= 0)
      throw error(error_code::invalid_argument,
                  "ranking cutoff k must be positive, not " + std::to_string(k));
}

std::size_t relevant_count(const ratings& target, std::int32_t row, float threshold) {
  const auto v = target.row_values(row);
  return static_cast<std::size_t>(std::count_if(v.begin(), v.end(), [&](float x) { return x >= threshold; }));
}

// Moves the `top` best candidates to the front, best first: higher score,
// then lower column. NaN (a diverged model) ranks last, which keeps the
// comparison a strict weak ordering.
void rank_top(std::vector<std::int32_t>& candidates, std::span<const float> scores, std::size_t top) {
  const auto key = [scores](std::int32_t c) {
    const float s = scores[static_cast<std::size_t>(c)];
    return std::isnan(s) ? -std::numeric_limits<float>::infinity() : s;
  };
  const auto better = [&key](std::int32_t a, std::int32_t b) {
    const float ka = key(a), kb = key(b);
    return ka > kb || (ka == kb && a < b);
  };
  const auto end = candidates.begin() + static_cast<std::ptrdiff_t>(top);
  std::nth_element(candidates.begin(), end, candidates.end(), better);
  std::sort(candidates.begin(), end, better);
}

// Adds one user's figures, given their ranked list, to the sums in `at`.
void add_user(std::span<const std::int32_t> ranked, const std::vector<bool>& is_relevant,
              std::size_t relevant, std::span<const double> discount, std::vector<ranking_at_k>& at) {
  for (ranking_at_k& a : at) {
    const auto k = static_cast<std::size_t>(a.k);
    double hits = 0, dcg = 0, ideal = 0;
    for (std::size_t i = 0; i < std::min(k, ranked.size()); ++i)
      if (is_relevant[static_cast<std::size_t>(ranked[i])]) {
        hits += 1;
        dcg += discount[i];
      }
    for (std::size_t i = 0; i < std::min(k, relevant); ++i) ideal += discount[i];
    a.precision += hits / static_cast<double>(k);
    a.recall += hits / static_cast<double>(std::min(k, relevant));
    a.ndcg += dcg / ideal;
  }
}

// A fixed random `n` of `rows`, in their order: the same users for every
// model and baseline scored on the same data.
std::vector<std::int32_t> sample_rows(std::vector<std::int32_t> rows, std::size_t n) {
  rng random(0x5A3F1E5Dull);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t j = i + random.below(static_cast<std::uint32_t>(rows.size() - i));
    std::swap(rows[i], rows[j]);
  }
  rows.resize(n);
  std::sort(rows.begin(), rows.end());
  return rows;
}

}  // namespace

std::size_t ranking_sample_for(std::size_t users, std::size_t movies) {
  if (movies == 0 || users * movies <= ranking_score_budget) return 0;
  return std::max<std::size_t>(1, ranking_score_budget / movies);
}

ranking_metrics score_ranking(const ratings& input, const ratings& target, const ranking_options& options,
                              const row_predictor& predict) {
  check_options(options);
  AEREC_ASSERT(input.cols() == target.cols() && input.rows() >= target.rows());
  const std::int32_t cols = target.cols();

  std::vector<std::int32_t> rows;
  for (std::int32_t r = 0; r < target.rows(); ++r)
    if (relevant_count(target, r, options.relevance_threshold) > 0) rows.push_back(r);

  const auto longest = static_cast<std::size_t>(
      options.ks.empty() ? 0 : *std::max_element(options.ks.begin(), options.ks.end()));
  std::vector<double> discount(longest);  // the gain of a hit at rank i (0-based)
  for (std::size_t i = 0; i < longest; ++i) discount[i] = 1 / std::log2(static_cast<double>(i) + 2);

  ranking_metrics m;
  if (options.max_users > 0 && rows.size() > options.max_users) {
    m.sampled_from = rows.size();
    rows = sample_rows(std::move(rows), options.max_users);
  }
  for (const int k : options.ks) m.at.push_back({.k = k});
  // For coverage: the best rank at which any user's list holds each column.
  std::vector<std::size_t> best_rank(static_cast<std::size_t>(cols), longest);
  std::vector<bool> is_relevant(static_cast<std::size_t>(cols));
  std::vector<std::int32_t> candidates;

  for_each_prediction(rows, cols, predict, [&](std::int32_t row, std::span<const float> scores) {
    unrated_columns(input.row_cols(row), cols, candidates);
    const std::size_t top = std::min(longest, candidates.size());
    rank_top(candidates, scores, top);

    const auto target_cols = target.row_cols(row);
    const auto target_values = target.row_values(row);
    std::size_t relevant = 0;
    for (std::size_t i = 0; i < target_cols.size(); ++i)
      if (target_values[i] >= options.relevance_threshold) {
        is_relevant[static_cast<std::size_t>(target_cols[i])] = true;
        ++relevant;
      }

    for (std::size_t i = 0; i < top; ++i) {
      std::size_t& best = best_rank[static_cast<std::size_t>(candidates[i])];
      best = std::min(best, i);
    }
    add_user(std::span(candidates).first(top), is_relevant, relevant, discount, m.at);

    for (const std::int32_t c : target_cols) is_relevant[static_cast<std::size_t>(c)] = false;
  });

  m.users = rows.size();
  for (ranking_at_k& at : m.at) {
    if (m.users > 0) {
      const auto users = static_cast<double>(m.users);
      at.precision /= users;
      at.recall /= users;
      at.ndcg /= users;
    }
    const auto listed = std::count_if(best_rank.begin(), best_rank.end(), [&](std::size_t rank) {
      return rank < static_cast<std::size_t>(at.k);
    });
    if (cols > 0) at.coverage = static_cast<double>(listed) / static_cast<double>(cols);
  }
  return m;
}

ranking_metrics evaluate_ranking(autoencoder& model, const ratings& input, const ratings& target,
                                 const ranking_options& options) {
  return score_ranking(input, target, options, model_predictor(model, input));
}

ranking_metrics evaluate_popularity(const ratings& train, const ratings& input, const ratings& target,
                                    const ranking_options& options) {
  AEREC_ASSERT(train.cols() == target.cols());
  std::vector<float> popularity(static_cast<std::size_t>(train.cols()));
  for (const std::int32_t c : train.cols_index()) popularity[static_cast<std::size_t>(c)] += 1;
  return score_ranking(input, target, options, [&](std::span<const std::int32_t> rows) {
    std::vector<float> scores;
    scores.reserve(rows.size() * popularity.size());
    for (std::size_t i = 0; i < rows.size(); ++i)
      scores.insert(scores.end(), popularity.begin(), popularity.end());
    return scores;
  });
}

}  // namespace aerec
