#include "aerec/serve/recommender.h"

#include <algorithm>
#include <cmath>

#include "aerec/core/error.h"

namespace aerec {

namespace {

void require(bool ok, const std::string& why) {
  if (!ok) throw error(error_code::invalid_argument, why);
}

// Each row's logits as log-probabilities (log-softmax), in double for the sum.
void log_softmax_rows(std::vector<float>& logits, std::size_t width) {
  for (std::size_t start = 0; start < logits.size(); start += width) {
    const auto row = std::span(logits).subspan(start, width);
    const float top = *std::max_element(row.begin(), row.end());
    double sum = 0;
    for (const float v : row) sum += std::exp(static_cast<double>(v - top));
    const auto log_sum = static_cast<float>(std::log(sum)) + top;
    for (float& v : row) v -= log_sum;
  }
}

}  // namespace

recommender::recommender(model* ranking, model* rating, float star_weight)
    : ranking_(ranking), rating_(rating), star_weight_(star_weight) {
  require(ranking || rating, "a recommender needs a ranking model, a rating model or both");
  for (model* m : {ranking, rating})
    if (m) require(m->user_input_problem().empty(), m->user_input_problem());
  require(!ranking || ranking->ranks(), "the ranking model predicts ratings, it does not rank");
  require(!rating || !rating->ranks(), "the rating model ranks, it does not predict ratings");
  if (ranking && rating) {
    const auto a = ranking->items().ids();
    const auto b = rating->items().ids();
    require(std::equal(a.begin(), a.end(), b.begin(), b.end()),
            "the ranking and rating models have different movies: train them on the same data");
    require(std::isfinite(star_weight) && star_weight >= 0,
            "the weight of the stars must be a number >= 0, not " + std::to_string(star_weight));
  }
}

user_predictions recommender::predict(std::span<const float> rows) {
  user_predictions out;
  if (!ranking_) {
    // Ranked by its raw outputs, which still order the movies that clipping ties at the top.
    out.scores = rating_->network().predict(rating_->dense_to_batch(rows));
    const rating_scale s = rating_->scale();
    out.stars = out.scores;
    for (float& v : out.stars) v = std::clamp(v, s.min, s.max);
    return out;
  }
  out.scores = ranking_->predict_dense(rows);
  if (!rating_) return out;
  // Log-probabilities, not logits: a row's logits shift together as ratings
  // change, which would mix into the stars' weight.
  out.stars = rating_->predict_dense(rows);
  log_softmax_rows(out.scores, static_cast<std::size_t>(items().size()));
  for (std::size_t i = 0; i < out.stars.size(); ++i) out.scores[i] += star_weight_ * out.stars[i];
  return out;
}

std::vector<float> recommender::shown(std::span<const float> rows) {
  if (ranking_) {
    user_predictions p = predict(rows);
    return rating_ ? std::move(p.stars) : std::move(p.scores);
  }
  return rating_->predict_dense(rows);
}

std::vector<recommender::recommended> recommender::recommend(std::span<const float> row, std::size_t k) {
  const user_predictions p = predict(row);
  std::vector<std::int32_t> candidates;
  for (std::size_t c = 0; c < row.size(); ++c)
    if (row[c] == 0) candidates.push_back(static_cast<std::int32_t>(c));
  k = std::min(k, candidates.size());
  const auto score = [&](std::int32_t c) { return p.scores[static_cast<std::size_t>(c)]; };
  std::partial_sort(
      candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(k), candidates.end(),
      [&](std::int32_t a, std::int32_t b) { return score(a) != score(b) ? score(a) > score(b) : a < b; });
  std::vector<recommended> top;
  for (std::size_t i = 0; i < k; ++i) {
    const auto c = static_cast<std::size_t>(candidates[i]);
    // A rating model alone reports the rating it predicts, clipped, as model::recommend does.
    const float stars = p.stars.empty() ? p.scores[c] : p.stars[c];
    top.push_back({candidates[i], ranking_ ? p.scores[c] : stars, stars});
  }
  return top;
}

std::vector<std::vector<reason>> recommender::explain(std::span<const float> row,
                                                      std::span<const std::int32_t> columns, std::size_t k) {
  require(row.size() == static_cast<std::size_t>(items().size()), "explain takes one user's row");
  // A ranking model alone is explained by log-probabilities too: its logits
  // shift together as a rating is left out.
  const auto scorer = [this](std::span<const float> rows) {
    std::vector<float> s = scores(rows);
    if (!rating_) log_softmax_rows(s, static_cast<std::size_t>(items().size()));
    return s;
  };
  return aerec::explain(scorer, row, columns, k);
}

}  // namespace aerec
