#include "train_sequences.h"

#include <cstdio>

#include "aerec/train/sequence_run.h"
#include "output.h"
#include "processes.h"
#include "progress.h"
#include "run_cli.h"

namespace aerec::cli {

void train_sequences(const run_spec& spec, const train_config& config, const std::string& device) {
  sequence_run r(spec, config, device_factory(device, false), run_processes());
  std::fprintf(stderr, "aerec: %s: %zu users' orders of %d movies (split last), %zu training windows",
               r.data().name.c_str(), static_cast<std::size_t>(r.data().users.size()) - r.data().short_users,
               r.data().items.size(), r.train_windows());
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
    std::printf("best epoch %d: validation NDCG@10 %.4f (its parameters are kept)\n",
                r.stopping().best_epoch(), r.stopping().best_figure());
  print_next_item_figures(result.test);
  std::printf("trained %d epochs in %.1fs\n", r.epochs_done(), result.metrics["train_seconds"].get<double>());
  write_outputs(r.spec(), r.trained(), result.metrics);
}

}  // namespace aerec::cli
