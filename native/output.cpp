#include "output.h"

#include <cstdio>
#include <utility>

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
  if (m.sampled_from > 0)
    std::printf(
        "top-N over a fixed random sample of %zu of the %zu users with a relevant test rating (the data is "
        "large: users x movies scores would be over %zu; popularity baseline on the right)\n",
        m.users, m.sampled_from, ranking_score_budget);
  else
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

void print_next_item_figures(const next_item_test_figures& f) {
  std::printf("next item over %zu users (full ranking, and among %d sampled movies)\n", f.model.users,
              f.options.negatives);
  std::printf("%-12s %7s %7s %11s %11s\n", "", "hr@k", "ndcg@k", "hr@k samp.", "ndcg@k samp.");
  for (const auto& [name, g] :
       {std::pair{"model", &f.model}, std::pair{"popularity", &f.popularity}, std::pair{"markov", &f.markov}})
    std::printf("%-12s %7.4f %7.4f %11.4f %11.4f\n", name, g->hr, g->ndcg, g->hr_sampled, g->ndcg_sampled);
  std::printf("(k = %d)\n", f.options.k);
}

void print_image_figures(const image_figures& f) {
  std::printf("test BCE %.4f  MSE %.5f  PSNR %.2f dB\n", f.bce, f.mse, f.psnr);
  if (f.psnr_noisy)
    std::printf("denoising: PSNR %.2f dB from noisy inputs of %.2f dB (+%.2f dB)\n", f.psnr, *f.psnr_noisy,
                f.psnr - *f.psnr_noisy);
}

}  // namespace aerec::cli
