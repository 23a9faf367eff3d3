#include "output.h"

#include <cstdio>

#include "aerec/core/error.h"
#include "aerec/io/file_io.h"

namespace aerec::cli {

void print_test_figures(const rating_metrics& test, const rating_metrics& baseline) {
  std::printf("test_rmse %.4f  test_mae %.4f  test_seed_loss %.4f (unclipped %.4f)\n", test.rmse, test.mae,
              test.seed_loss, test.seed_loss_unclipped);
  std::printf("global-mean baseline rmse %.4f  (%zu test ratings, %zu users)\n", baseline.rmse, test.ratings,
              test.users);
}

void write_json(const std::string& path, const json& value) { write_file_atomic(path, value.dump(2) + "\n"); }

void print_ranking_figures(const ranking_metrics& m, const ranking_metrics& popularity) {
  AEREC_ASSERT(popularity.at.size() == m.at.size());
  std::printf("top-N over %zu users with a relevant test rating (popularity baseline on the right)\n",
              m.users);
  std::printf("%6s %9s %7s %7s %8s  | %7s %7s\n", "k", "precision", "recall", "ndcg", "coverage", "recall",
              "ndcg");
  for (std::size_t i = 0; i < m.at.size(); ++i) {
    const ranking_at_k& a = m.at[i];
    std::printf("%6d %9.4f %7.4f %7.4f %8.4f  | %7.4f %7.4f\n", a.k, a.precision, a.recall, a.ndcg,
                a.coverage, popularity.at[i].recall, popularity.at[i].ndcg);
  }
}

}  // namespace aerec::cli
