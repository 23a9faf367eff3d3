#pragma once
// Next-item figures on the split `last`: how well a model ranks each user's
// held-out movie, fully (among every movie they have not rated) and by the
// sampled protocol of SASRec (among 100 sampled unrated movies), beside two
// baselines, popularity and a first-order Markov chain.
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "aerec/data/dataset.h"

namespace aerec {

struct next_item_options {
  int k = 10;
  int negatives = 100;     // the sampled protocol's negatives (SASRec's 100)
  std::uint64_t seed = 1;  // for the negatives
};

struct next_item_figures {
  double hr = 0, ndcg = 0;  // full ranking: the target among every movie the user has not rated
  double hr_sampled = 0, ndcg_sampled = 0;  // the target among `negatives` sampled unrated movies
  std::size_t users = 0;
};

// Fills scores (users.size() x items, row-major) for a batch of users given
// each one's history (item columns in time order).
using next_item_scorer =
    std::function<void(std::span<const std::int32_t> users,
                       std::span<const std::vector<std::int32_t>> histories, std::span<float> scores)>;

// The history that precedes `part`'s target for `user`: train_order, then for
// the test part the validation item (the movies of the part's input row that
// the training row lacks).
std::vector<std::int32_t> history_for(const dataset& d, const holdout& part, std::int32_t user);

// Every user with a target in `part` (one each on the `last` split), scored in
// batches of a few hundred users. Full ranking excludes the movies of the
// user's input row (dataset::input_for(part)); ties rank the target below the
// tied movie (pessimistic), so a constant scorer cannot score well; a NaN
// score ranks below every number. The sampled negatives are `negatives`
// distinct movies outside the input row and the target, drawn uniformly from a
// generator seeded by the seed and the user's row (all of them when fewer are
// left). Throws error_code::invalid_argument for a `d` without time orders
// (another split), a user with more than one target, k or negatives below 1.
next_item_figures score_next_item(const dataset& d, const holdout& part, const next_item_options& options,
                                  const next_item_scorer& score);

// The sampled protocol's negatives for `user`'s target in `part`: `negatives`
// distinct movies outside the user's input row and the target, in no order.
std::vector<std::int32_t> sampled_negatives(const dataset& d, const holdout& part, std::int32_t user,
                                            const next_item_options& options);

// Baselines: popularity (training ratings per movie), and a first-order
// Markov chain (counts of item-to-item transitions in the training orders,
// from the history's last item; ties and unseen items fall back to popularity).
next_item_scorer popularity_scorer(const dataset& d);
next_item_scorer markov_scorer(const dataset& d);

}  // namespace aerec
