#include "aerec/eval/test_figures.h"

#include <algorithm>

#include "eval/batched_predictions.h"

namespace aerec {

namespace {

// An item-based model's figures (matrices movies x users) by user, as a
// user-based model's are: per-user figures (seed_loss, users) group the
// same test entries by user, not by movie.
rating_metrics evaluate_item_based(autoencoder& net, const ratings& input, const ratings& target,
                                   rating_scale scale) {
  return score_predicted(predicted_entries(net, input, target).transpose(), target.transpose(), scale);
}

void add_rating_metrics(nlohmann::ordered_json& out, const std::string& prefix, const rating_metrics& m) {
  out[prefix + "rmse"] = m.rmse;
  out[prefix + "mae"] = m.mae;
  out[prefix + "seed_loss"] = m.seed_loss;
  out[prefix + "seed_loss_unclipped"] = m.seed_loss_unclipped;
  out[prefix + "ratings"] = m.ratings;
  out[prefix + "users"] = m.users;
}

void add_ranking_metrics(nlohmann::ordered_json& out, const std::string& prefix, const ranking_metrics& m) {
  for (const ranking_at_k& a : m.at) {
    const std::string at = "_at_" + std::to_string(a.k);
    out[prefix + "precision" + at] = a.precision;
    out[prefix + "recall" + at] = a.recall;
    out[prefix + "ndcg" + at] = a.ndcg;
    out[prefix + "coverage" + at] = a.coverage;
  }
  out[prefix + "ranking_users"] = m.users;
  if (m.sampled_from > 0) out[prefix + "ranking_users_sampled_from"] = m.sampled_from;
}

void add_next_item(nlohmann::ordered_json& out, const std::string& prefix, const next_item_figures& f,
                   const next_item_options& o) {
  const std::string at = "_at_" + std::to_string(o.k), sampled = "_sampled" + std::to_string(o.negatives);
  out[prefix + "hr" + at] = f.hr;
  out[prefix + "ndcg" + at] = f.ndcg;
  out[prefix + "hr" + at + sampled] = f.hr_sampled;
  out[prefix + "ndcg" + at + sampled] = f.ndcg_sampled;
}

}  // namespace

next_item_test_figures measure_next_item_figures(autoencoder& net, const dataset& d, const ratings& input) {
  const row_predictor predict = model_predictor(net, input);
  const next_item_scorer model_scores = [&predict](std::span<const std::int32_t> users,
                                                   std::span<const std::vector<std::int32_t>>,
                                                   std::span<float> scores) {
    const std::vector<float> p = predict(users);
    std::copy(p.begin(), p.end(), scores.begin());
  };
  return measure_next_item_figures(d, model_scores);
}

next_item_test_figures measure_next_item_figures(const dataset& d, const next_item_scorer& model_scores) {
  next_item_test_figures f;
  f.model = score_next_item(d, d.test, f.options, model_scores);
  f.popularity = score_next_item(d, d.test, f.options, popularity_scorer(d));
  f.markov = score_next_item(d, d.test, f.options, markov_scorer(d));
  return f;
}

test_figures measure_test_figures(autoencoder& net, const model_meaning& meaning, const ratings& train,
                                  const ratings& input, const ratings& target, rating_scale scale) {
  test_figures f;
  const bool item_based = meaning.rows == row_kind::items;
  if (meaning.output == output_kind::rating) {
    f.rating =
        item_based ? evaluate_item_based(net, input, target, scale) : evaluate(net, input, target, scale);
    f.global_mean = evaluate_global_mean(train, target, scale);
  }
  if (!item_based) {
    ranking_options top_n;
    top_n.max_users =
        ranking_sample_for(static_cast<std::size_t>(target.rows()), static_cast<std::size_t>(target.cols()));
    f.ranking = evaluate_ranking(net, input, target, top_n);
    f.popularity = evaluate_popularity(train, input, target, top_n);
  }
  return f;
}

void add_figures(nlohmann::ordered_json& out, const test_figures& f) {
  if (f.rating) {
    add_rating_metrics(out, "test_", *f.rating);
    out["baseline_global_mean_rmse"] = f.global_mean->rmse;
  }
  if (f.ranking) {
    add_ranking_metrics(out, "test_", *f.ranking);
    add_ranking_metrics(out, "baseline_popularity_", *f.popularity);
  }
  if (f.next_item) add_next_item_figures(out, *f.next_item);
}

void add_next_item_figures(nlohmann::ordered_json& out, const next_item_test_figures& n) {
  add_next_item(out, "test_", n.model, n.options);
  out["test_next_item_users"] = n.model.users;
  add_next_item(out, "baseline_popularity_", n.popularity, n.options);
  add_next_item(out, "baseline_markov_", n.markov, n.options);
}

}  // namespace aerec
