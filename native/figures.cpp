#include "figures.h"

#include "aerec/ranking_metrics.h"

namespace aerec::cli {

void report_test_figures(json& out, autoencoder& net, const ratings& train, const ratings& input,
                         const ratings& target, rating_scale scale, bool print) {
  const rating_metrics test = evaluate(net, input, target, scale);
  const rating_metrics baseline = evaluate_global_mean(train, target, scale);
  add_metrics(out, "test_", test);
  out["baseline_global_mean_rmse"] = baseline.rmse;
  if (print) print_test_figures(test, baseline);

  const ranking_options top_n;
  const ranking_metrics ranking = evaluate_ranking(net, input, target, top_n);
  const ranking_metrics popular = evaluate_popularity(train, input, target, top_n);
  add_ranking_metrics(out, "test_", ranking);
  add_ranking_metrics(out, "baseline_popularity_", popular);
  if (print) print_ranking_figures(ranking, popular);
}

}  // namespace aerec::cli
