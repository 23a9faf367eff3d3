#include "aerec/eval/test_figures.h"

#include <algorithm>

#include "eval/batched_predictions.h"

namespace aerec {

namespace {

// `net`'s predictions of `target`'s entries, each from its row of `input`, in
// a matrix of `target`'s shape.
ratings predicted_entries(autoencoder& net, const ratings& input, const ratings& target) {
  const row_predictor predict = model_predictor(net, input);
  const auto width = static_cast<std::size_t>(target.cols());
  const auto batch = static_cast<std::int32_t>(prediction_batch_rows);
  std::vector<float> values;
  values.reserve(target.nnz());
  // Batches of rows [first, first + batch) with targets: the batches these
  // figures have always been computed in.
  std::vector<std::int32_t> rows;
  for (std::int32_t first = 0; first < target.rows(); first += batch) {
    rows.clear();
    for (std::int32_t r = first; r < std::min(first + batch, target.rows()); ++r)
      if (target.row_size(r) > 0) rows.push_back(r);
    if (rows.empty()) continue;
    const std::vector<float> p = predict(rows);
    for (std::size_t i = 0; i < rows.size(); ++i)
      for (const std::int32_t c : target.row_cols(rows[i]))
        values.push_back(p[i * width + static_cast<std::size_t>(c)]);
  }
  const auto offsets = target.offsets();
  const auto cols = target.cols_index();
  return ratings(target.rows(), target.cols(), {offsets.begin(), offsets.end()}, {cols.begin(), cols.end()},
                 std::move(values));
}

// An item-based model's figures (matrices movies x users) by user, as a
// user-based model's are: per-user figures (seed_loss, users) group the
// same test entries by user, not by movie.
rating_metrics evaluate_item_based(autoencoder& net, const ratings& input, const ratings& target,
                                   rating_scale scale) {
  const ratings predicted = predicted_entries(net, input, target).transpose();
  const auto width = static_cast<std::size_t>(predicted.cols());
  return score(target.transpose(), scale, [&](std::span<const std::int32_t> rows) {
    // Only the target's entries are read, and `predicted` has exactly those.
    std::vector<float> dense(rows.size() * width);
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const auto c = predicted.row_cols(rows[i]);
      const auto v = predicted.row_values(rows[i]);
      for (std::size_t k = 0; k < c.size(); ++k) dense[i * width + static_cast<std::size_t>(c[k])] = v[k];
    }
    return dense;
  });
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
    const ranking_options top_n;
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
