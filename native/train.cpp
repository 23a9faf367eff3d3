// aerec train: train an autoencoder on a split, report test figures; with a
// validation slice, stop early and keep the best epoch; checkpoint, resume,
// and save a checkpoint on Ctrl-C; draw the training curves (--plot). The run
// itself is the library's (aerec/train/run.h); its flags come from the run's
// and the configuration's option tables.
#include <memory>

#include "aerec/train/options.h"
#include "aerec/train/run.h"
#include "commands.h"
#include "config_file.h"
#include "figures.h"
#include "option_flags.h"
#include "output.h"
#include "processes.h"
#include "run_cli.h"
#include "train_images.h"
#include "train_sequences.h"

namespace aerec::cli {

namespace {

struct train_args {
  std::string resume, checkpoint;
  // Where to compute: not part of the run, so that a run may resume on another device.
  std::string device = "cpu";
  // Each flag the user gave, applied in its table's order: the run's, then
  // the configuration's on top of the preset the run names.
  std::vector<std::function<void(run_spec&)>> run_overrides;
  std::vector<std::function<void(train_config&)>> config_overrides;
  std::vector<CLI::Option*> run_flags, config_flags;
};

template <class T>
T with_overrides(T target, const std::vector<std::function<void(T&)>>& overrides) {
  for (const auto& apply : overrides) apply(target);
  return target;
}

training_run start(const train_args& a, const run_spec& spec, const train_config& config) {
  const backend_factory device = device_factory(a.device, false);
  const std::string checkpoint = !a.checkpoint.empty() ? a.checkpoint
                                 : spec.out.empty()    ? "aerec-train.ckpt"
                                                       : spec.out + ".ckpt";
  return training_run(spec, config, checkpoint, device, run_processes());
}

training_run resume(const train_args& a) {
  for (const CLI::Option* flag : a.config_flags)
    if (flag->count() > 0)
      throw error(error_code::invalid_argument, "--resume continues the saved run as it was configured; " +
                                                    flag->get_name() + " cannot change it");
  const backend_factory device = device_factory(a.device, false);
  // Outputs may be redirected when resuming; the rest is as saved.
  const run_spec given = with_overrides(run_spec{}, a.run_overrides);
  return training_run::resume(
      a.resume, a.checkpoint.empty() ? a.resume : a.checkpoint, device,
      [&](run_spec& saved) {
        if (!given.out.empty()) saved.out = given.out;
        if (!given.metrics_out.empty()) saved.metrics_out = given.metrics_out;
        if (!given.plot.empty()) saved.plot = given.plot;
      },
      run_processes());
}

void run(const train_args& a) {
  const run_spec spec = with_overrides(run_spec{}, a.run_overrides);
  const train_config config = with_overrides(preset(spec.preset), a.config_overrides);
  if (a.resume.empty() && trains_on_images(config)) {
    if (!a.checkpoint.empty())
      throw error(error_code::invalid_argument,
                  "image runs do not checkpoint yet: --checkpoint does not apply");
    return train_images(spec, config, a.device);
  }
  if (a.resume.empty() && trains_on_sequences(config)) {
    if (!a.checkpoint.empty())
      throw error(error_code::invalid_argument,
                  "sequence runs do not checkpoint yet: --checkpoint does not apply");
    return train_sequences(spec, config, a.device);
  }
  training_run r = a.resume.empty() ? start(a, spec, config) : resume(a);
  report_left_out(r);
  if (!run_epochs(r, false)) {
    const std::string path = r.checkpoint_path().string();
    std::fprintf(stderr,
                 "aerec: interrupted: checkpoint saved to %s after %d epochs; continue with\n"
                 "  aerec train --resume %s\n",
                 path.c_str(), r.epochs_done(), path.c_str());
    throw exit_request{130};
  }
  const training_run::result result = r.finish();
  if (result.best_validation)
    std::printf("best epoch %d: %s %.4f (its parameters are kept)\n", r.stopping().best_epoch(),
                validation_figure_of(r.config()).key, *result.best_validation);
  print_figures(result.figures, r.trained().meaning());
  std::printf("trained %d epochs in %.1fs\n", r.epochs_done(), result.metrics["train_seconds"].get<double>());
  write_outputs(r.spec(), r.trained(), result.metrics);
}

}  // namespace

void add_train_command(CLI::App& app) {
  auto args = std::make_shared<train_args>();
  train_args& a = *args;
  CLI::App* cmd = app.add_subcommand("train", "Train an autoencoder and report its test figures");
  add_config_option(*cmd);
  add_option_flags(*cmd, run_options(), a.run_overrides, a.run_flags);
  cmd->add_option("--checkpoint", a.checkpoint,
                  "Checkpoint file (default: OUT.ckpt, or aerec-train.ckpt without --out); "
                  "written on Ctrl-C and every --checkpoint-every epochs");
  add_device_option(*cmd, a.device);
  cmd->add_option("--resume", a.resume,
                  "Continue the run saved in this checkpoint (same data, split and configuration)");
  add_option_flags(*cmd, train_options(), a.config_overrides, a.config_flags);
  cmd->callback([args] { run(*args); });
}

}  // namespace aerec::cli
