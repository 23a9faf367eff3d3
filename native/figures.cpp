#include "figures.h"

#include <algorithm>
#include <cstdio>

#include "aerec/eval/ranking_metrics.h"
#include "aerec/data/sparse_batch.h"

namespace aerec::cli {

namespace {

// Rows predicted per batch: bounds memory to this many dense rows.
constexpr std::int32_t prediction_rows = 256;

// `net`'s predictions of `target`'s entries, each from its row of `input`, in
// a matrix of `target`'s shape.
ratings predicted_entries(autoencoder& net, const ratings& input, const ratings& target) {
  std::vector<float> values;
  values.reserve(target.nnz());
  const auto width = static_cast<std::size_t>(target.cols());
  // A global kernel convolves the whole matrix: every row in one batch.
  const bool whole = net.global() != nullptr;
  const std::int32_t batch_rows = whole ? std::max(1, target.rows()) : prediction_rows;
  std::vector<std::int32_t> rows;
  for (std::int32_t first = 0; first < target.rows(); first += batch_rows) {
    rows.clear();
    for (std::int32_t r = first; r < std::min(first + batch_rows, target.rows()); ++r)
      if (whole || target.row_size(r) > 0) rows.push_back(r);
    if (rows.empty()) continue;
    const std::vector<float> p = net.predict(gather_rows(input, rows));
    for (std::size_t i = 0; i < rows.size(); ++i)
      for (const std::int32_t c : target.row_cols(rows[i]))
        values.push_back(p[i * width + static_cast<std::size_t>(c)]);
  }
  const auto offsets = target.offsets();
  const auto cols = target.cols_index();
  return ratings(target.rows(), target.cols(), {offsets.begin(), offsets.end()},
                 {cols.begin(), cols.end()}, std::move(values));
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

}  // namespace

void report_test_figures(json& out, autoencoder& net, const ratings& train, const ratings& input,
                         const ratings& target, rating_scale scale, bool item_based, bool print) {
  const rating_metrics test = item_based ? evaluate_item_based(net, input, target, scale)
                                         : evaluate(net, input, target, scale);
  const rating_metrics baseline = evaluate_global_mean(train, target, scale);
  add_metrics(out, "test_", test);
  out["baseline_global_mean_rmse"] = baseline.rmse;
  if (print) print_test_figures(test, baseline);
  if (item_based) {
    // Ranking a user's movies needs every movie's row predicted at that user's
    // column: the whole movies x users matrix, too large for big data sets.
    std::fprintf(stderr,
                 "aerec: note: top-N figures skipped: an item-based model predicts a movie's "
                 "column of users, not a user's row of movies\n");
    return;
  }

  report_ranking_figures(out, net, train, input, target, print);
}

void report_ranking_figures(json& out, autoencoder& net, const ratings& train, const ratings& input,
                            const ratings& target, bool print) {
  const ranking_options top_n;
  const ranking_metrics ranking = evaluate_ranking(net, input, target, top_n);
  const ranking_metrics popular = evaluate_popularity(train, input, target, top_n);
  add_ranking_metrics(out, "test_", ranking);
  add_ranking_metrics(out, "baseline_popularity_", popular);
  if (print) print_ranking_figures(ranking, popular);
}

}  // namespace aerec::cli
