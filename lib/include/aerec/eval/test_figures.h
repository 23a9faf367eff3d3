#pragma once
// The test figures that training and `aerec eval` report: a rating model's
// errors beside the global mean's, and top-N figures beside popularity's.
#include <nlohmann/json.hpp>
#include <optional>

#include "aerec/data/dataset.h"
#include "aerec/eval/metrics.h"
#include "aerec/eval/next_item.h"
#include "aerec/eval/ranking_metrics.h"
#include "aerec/nn/autoencoder.h"
#include "aerec/nn/model.h"

namespace aerec {

// The next-item figures on the split last: a model's and its baselines'.
struct next_item_test_figures {
  next_item_options options;
  next_item_figures model, popularity, markov;
};

struct test_figures {
  std::optional<rating_metrics> rating, global_mean;   // a rating model's
  std::optional<ranking_metrics> ranking, popularity;  // a user-based model's
  std::optional<next_item_test_figures> next_item;     // on the split last, in the top-N figures' place
};

// `net` predicting `target` from `input`, its rows as `meaning` says: for a
// ranking model the top-N figures alone; for a rating model its errors and,
// unless it is item-based, the top-N figures too. Item-based matrices (all
// four) are movies x users, and their figures are still per user (seed_loss,
// users); ranking a user's movies would need every movie's row predicted at
// that user's column, the whole matrix, so it is not done. `train` gives the
// baselines' global mean and popularity.
test_figures measure_test_figures(autoencoder& net, const model_meaning& meaning, const ratings& train,
                                  const ratings& input, const ratings& target, rating_scale scale);

// `net`'s next-item figures on `d`'s test part (the split last), its
// predictions from the rows of `input` as scores (a rating model's ratings, a
// ranking model's logits), beside the popularity and Markov baselines'. `d`
// holds the ratings as rated (every held-out movie a target, every rated movie
// excluded), `input` what the model takes (a ranking model's implicit feedback).
next_item_test_figures measure_next_item_figures(autoencoder& net, const dataset& d, const ratings& input);
// The same for any model's scores (a sequence model's).
next_item_test_figures measure_next_item_figures(const dataset& d, const next_item_scorer& model_scores);
// Adds them to `out`: test_hr_at_10, ..., test_next_item_users, baseline_popularity_hr_at_10, ...
void add_next_item_figures(nlohmann::ordered_json& out, const next_item_test_figures& figures);

// Adds them to `out`: test_rmse, test_recall_at_20, ..., baseline_global_mean_rmse,
// baseline_popularity_recall_at_20, ...; next-item figures as test_hr_at_10,
// test_ndcg_at_10_sampled100, ..., baseline_popularity_hr_at_10, baseline_markov_hr_at_10, ...
void add_figures(nlohmann::ordered_json& out, const test_figures& figures);

}  // namespace aerec
