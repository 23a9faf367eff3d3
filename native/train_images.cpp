#include "train_images.h"

#include <cstdio>

#include "aerec/train/image_run.h"
#include "output.h"
#include "processes.h"
#include "progress.h"
#include "run_cli.h"

namespace aerec::cli {

void train_images(const run_spec& spec, const train_config& config, const std::string& device) {
  image_run r(spec, config, device_factory(device, false), run_processes());
  std::fprintf(stderr, "aerec: %s: %d training, %d validation and %d test images of %dx%d\n",
               r.data().name.c_str(), r.data().train.count, r.validation_images(), r.data().test.count,
               r.data().train.height, r.data().train.width);
  progress bar(config.epochs);
  const char* loss = pixel_loss_name(pixel_loss_of(config));
  int early_stop = 0;
  r.run_epochs([&](const image_epoch_event& e) {
    bar.update(e.report.epoch, e.report.seconds, loss, e.report.train_loss, e.validation);
    if (e.early_stop) early_stop = e.report.epoch;
  });
  bar.finish();
  if (early_stop > 0)
    std::printf("early stop after epoch %d: no better validation %s for %d epochs\n", early_stop, loss,
                spec.patience);
  const image_run::result result = r.finish();
  if (r.stopping().best_epoch() > 0)
    std::printf("best epoch %d: validation %s %.4f (its parameters are kept)\n", r.stopping().best_epoch(),
                loss, r.stopping().best_figure());
  print_image_figures(result.test);
  std::printf("trained %d epochs in %.1fs\n", r.epochs_done(), result.metrics["train_seconds"].get<double>());
  write_outputs(spec, r.trained(), result.metrics);
}

}  // namespace aerec::cli
