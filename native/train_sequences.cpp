#include "train_sequences.h"

#include <cstdio>

#include "aerec/io/model_file.h"
#include "aerec/plot/training_curves.h"
#include "aerec/train/sequence_run.h"
#include "output.h"
#include "progress.h"
#include "run_cli.h"

namespace aerec::cli {

namespace {

void print_figures(const sequence_run::result& r) {
  std::printf("next movie over %zu users: full ranking (every unrated movie) | 100 sampled negatives\n",
              r.test.users);
  std::printf("%-12s %7s %8s  | %7s %8s\n", "", "HR@10", "NDCG@10", "HR@10", "NDCG@10");
  const auto row = [](const char* name, const next_item_figures& f) {
    std::printf("%-12s %7.4f %8.4f  | %7.4f %8.4f\n", name, f.hr, f.ndcg, f.hr_sampled, f.ndcg_sampled);
  };
  row("model", r.test);
  row("popularity", r.popularity);
  row("markov", r.markov);
}

}  // namespace

void train_sequences(const run_spec& spec, const train_config& config, const std::string& device) {
  sequence_run r(spec, config, device_factory(device, false));
  std::fprintf(stderr, "aerec: %s: %d users' orders of %d movies (split last), %zu training windows",
               r.data().name.c_str(), r.data().users.size(), r.data().items.size(), r.train_windows());
  if (r.data().short_users > 0)
    std::fprintf(stderr, "; %zu users with fewer than 3 ratings left out", r.data().short_users);
  std::fputc('\n', stderr);
  progress bar(config.epochs);
  int early_stop = 0;
  r.run_epochs([&](const sequence_epoch_event& e) {
    bar.update(e.report.epoch, e.report.seconds, "cross_entropy", e.report.train_loss, e.validation_ndcg);
    if (e.early_stop) early_stop = e.report.epoch;
  });
  bar.finish();
  if (early_stop > 0)
    std::printf("early stop after epoch %d: no better validation NDCG@10 for %d epochs\n", early_stop,
                spec.patience);
  const sequence_run::result result = r.finish();
  if (r.stopping().best_epoch() > 0)
    std::printf("best epoch %d: validation NDCG@10 %.4f (its parameters are kept)\n", r.stopping().best_epoch(),
                r.stopping().best_figure());
  print_figures(result);
  std::printf("trained %d epochs in %.1fs\n", r.epochs_done(), result.metrics["train_seconds"].get<double>());
  if (!r.spec().out.empty()) save_model(r.spec().out, r.trained());
  if (!r.spec().metrics_out.empty()) write_json(r.spec().metrics_out, result.metrics);
  if (!r.spec().plot.empty()) {
    const plot::training_history history[] = {plot::history_of(result.metrics, spec.preset, "the run")};
    plot::write_training_curves(r.spec().plot, history);
  }
}

}  // namespace aerec::cli
