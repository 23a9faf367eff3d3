#include "aerec/eval/next_item.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <memory>
#include <string>

#include "aerec/core/error.h"
#include "aerec/core/rng.h"
#include "eval/unrated_columns.h"

namespace aerec {

namespace {

// Users scored at once: the scores take this many rows of every movie.
constexpr std::size_t batch_users = 256;

void check_orders(const dataset& d) {
  if (d.train_order.size() != static_cast<std::size_t>(d.train.rows()))
    throw error(error_code::invalid_argument,
                "next-item figures need each user's ratings in time order, which "
                "only the split last keeps (this data set's split: " +
                    d.split + ")");
}

void check_options(const next_item_options& o) {
  if (o.k < 1 || o.negatives < 1)
    throw error(error_code::invalid_argument, "next-item figures need k and negatives of 1 or more, not k " +
                                                  std::to_string(o.k) + " and negatives " +
                                                  std::to_string(o.negatives));
}

// The rows of `target` with a target, each of which must have only one.
std::vector<std::int32_t> target_rows(const dataset& d, const ratings& target) {
  std::vector<std::int32_t> rows;
  for (std::int32_t r = 0; r < target.rows(); ++r) {
    if (target.row_size(r) == 0) continue;
    if (target.row_size(r) > 1)
      throw error(error_code::invalid_argument, "next-item figures take one target a user, and user " +
                                                    std::to_string(d.users.id(r)) + " has " +
                                                    std::to_string(target.row_size(r)));
    rows.push_back(r);
  }
  return rows;
}

// NaN (a diverged model) ranks below every number.
float rank_key(float score) { return std::isnan(score) ? -std::numeric_limits<float>::infinity() : score; }

// The target's 1-based rank among `others`: ties go against it.
template <class Columns>
std::size_t rank_among(const Columns& others, std::span<const float> scores, std::int32_t target) {
  const float mine = rank_key(scores[static_cast<std::size_t>(target)]);
  std::size_t above = 0;
  for (const std::int32_t c : others) above += rank_key(scores[static_cast<std::size_t>(c)]) >= mine;
  return above + 1;
}

// `row`'s negatives out of its `unrated` movies: uniform distinct draws (Floyd's
// algorithm, as many draws as negatives) from a generator seeded by the seed
// and the row, so that every model meets the same ones. `taken` holds a zero
// for each movie, and is left so.
void draw_negatives(std::span<const std::int32_t> unrated, std::int32_t row, const next_item_options& o,
                    std::vector<std::uint8_t>& taken, std::vector<std::int32_t>& out) {
  rng mix(o.seed + 0x632BE59BD9B4E019ull * (static_cast<std::uint64_t>(row) + 1));
  rng random(mix.next());
  const std::size_t n = std::min(unrated.size(), static_cast<std::size_t>(o.negatives));
  out.clear();
  for (std::size_t j = unrated.size() - n; j < unrated.size(); ++j) {
    const std::size_t t = random.below(static_cast<std::uint32_t>(j + 1));
    const std::int32_t pick = taken[static_cast<std::size_t>(unrated[t])] ? unrated[j] : unrated[t];
    taken[static_cast<std::size_t>(pick)] = 1;
    out.push_back(pick);
  }
  for (const std::int32_t c : out) taken[static_cast<std::size_t>(c)] = 0;
}

void add_rank(double& hr, double& ndcg, std::size_t rank, int k) {
  if (rank > static_cast<std::size_t>(k)) return;
  hr += 1;
  ndcg += 1 / std::log2(static_cast<double>(rank) + 1);
}

std::vector<float> training_popularity(const dataset& d) {
  std::vector<float> popularity(static_cast<std::size_t>(d.train.cols()));
  for (const std::int32_t c : d.train.cols_index()) popularity[static_cast<std::size_t>(c)] += 1;
  return popularity;
}

}  // namespace

std::vector<std::int32_t> history_for(const dataset& d, const holdout& part, std::int32_t user) {
  check_orders(d);
  AEREC_ASSERT(user >= 0 && user < d.train.rows());
  std::vector<std::int32_t> history = d.train_order[static_cast<std::size_t>(user)];
  const auto known = d.input_for(part).row_cols(user), trained = d.train.row_cols(user);
  std::set_difference(known.begin(), known.end(), trained.begin(), trained.end(),
                      std::back_inserter(history));
  return history;
}

next_item_figures score_next_item(const dataset& d, const holdout& part, const next_item_options& options,
                                  const next_item_scorer& score) {
  check_orders(d);
  check_options(options);
  const ratings& input = d.input_for(part);
  const std::int32_t cols = part.target.cols();
  const auto width = static_cast<std::size_t>(cols);
  const std::vector<std::int32_t> rows = target_rows(d, part.target);

  next_item_figures f;
  std::vector<std::vector<std::int32_t>> histories;
  std::vector<float> scores;
  std::vector<std::int32_t> unrated, negatives;
  std::vector<std::uint8_t> taken(width, 0);
  for (std::size_t first = 0; first < rows.size(); first += batch_users) {
    const auto batch = std::span(rows).subspan(first, std::min(batch_users, rows.size() - first));
    histories.clear();
    for (const std::int32_t r : batch) histories.push_back(history_for(d, part, r));
    scores.assign(batch.size() * width, 0);
    score(batch, histories, scores);
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const std::int32_t row = batch[i], target = part.target.row_cols(row)[0];
      const auto mine = std::span<const float>(scores).subspan(i * width, width);
      unrated_columns(input.row_cols(row), cols, unrated, target);
      add_rank(f.hr, f.ndcg, rank_among(unrated, mine, target), options.k);

      draw_negatives(unrated, row, options, taken, negatives);
      add_rank(f.hr_sampled, f.ndcg_sampled, rank_among(negatives, mine, target), options.k);
    }
  }
  f.users = rows.size();
  if (f.users > 0)
    for (double* sum : {&f.hr, &f.ndcg, &f.hr_sampled, &f.ndcg_sampled}) *sum /= static_cast<double>(f.users);
  return f;
}

std::vector<std::int32_t> sampled_negatives(const dataset& d, const holdout& part, std::int32_t user,
                                            const next_item_options& options) {
  check_options(options);
  AEREC_ASSERT(user >= 0 && user < part.target.rows() && part.target.row_size(user) > 0);
  std::vector<std::int32_t> unrated, negatives;
  unrated_columns(d.input_for(part).row_cols(user), part.target.cols(), unrated,
                  part.target.row_cols(user)[0]);
  std::vector<std::uint8_t> taken(static_cast<std::size_t>(part.target.cols()), 0);
  draw_negatives(unrated, user, options, taken, negatives);
  return negatives;
}

next_item_scorer popularity_scorer(const dataset& d) {
  auto popularity = std::make_shared<const std::vector<float>>(training_popularity(d));
  return [popularity](std::span<const std::int32_t> users, std::span<const std::vector<std::int32_t>>,
                      std::span<float> scores) {
    for (std::size_t i = 0; i < users.size(); ++i)
      std::copy(popularity->begin(), popularity->end(),
                scores.begin() + static_cast<std::ptrdiff_t>(i * popularity->size()));
  };
}

next_item_scorer markov_scorer(const dataset& d) {
  check_orders(d);
  // Popularity scaled below 1 breaks ties between transition counts; exact
  // while a count times the top popularity stays below 2^23.
  std::vector<float> fallback = training_popularity(d);
  const float top = fallback.empty() ? 0 : *std::max_element(fallback.begin(), fallback.end());
  for (float& p : fallback) p /= top + 1;
  // Each movie's successors in the training orders, once a transition.
  std::vector<std::vector<std::int32_t>> next(fallback.size());
  for (const auto& order : d.train_order)
    for (std::size_t k = 1; k < order.size(); ++k)
      next[static_cast<std::size_t>(order[k - 1])].push_back(order[k]);
  struct chain {
    std::vector<float> fallback;
    std::vector<std::vector<std::int32_t>> next;
  };
  auto c = std::make_shared<const chain>(chain{std::move(fallback), std::move(next)});
  return [c](std::span<const std::int32_t> users, std::span<const std::vector<std::int32_t>> histories,
             std::span<float> scores) {
    const std::size_t width = c->fallback.size();
    for (std::size_t i = 0; i < users.size(); ++i) {
      const auto row = scores.subspan(i * width, width);
      std::copy(c->fallback.begin(), c->fallback.end(), row.begin());
      if (histories[i].empty()) continue;
      for (const std::int32_t b : c->next[static_cast<std::size_t>(histories[i].back())])
        row[static_cast<std::size_t>(b)] += 1;
    }
  };
}

}  // namespace aerec
