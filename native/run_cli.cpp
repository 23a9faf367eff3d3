#include "run_cli.h"

#include <csignal>
#include <cstdio>

#include "aerec/backend/device.h"
#include "aerec/io/model_file.h"
#include "aerec/plot/training_curves.h"
#include "data_source.h"
#include "output.h"
#include "processes.h"
#include "progress.h"

namespace aerec::cli {

namespace {

// Set by SIGINT; training looks at it between batches.
volatile std::sig_atomic_t interrupted = 0;

void on_interrupt(int) { interrupted = 1; }

// Ctrl-C asks training to stop at the next batch; a second Ctrl-C kills as
// usual. So does SIGTERM, which is how mpirun passes a Ctrl-C on to its processes.
void catch_interrupts() {
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  action.sa_flags = SA_RESETHAND;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

}  // namespace

void add_device_option(CLI::App& cmd, std::string& device) {
  cmd.add_option("--device", device,
                 "Compute on cpu, cuda (a GPU; an error when there is none or this aerec has no "
                 "CUDA) or auto (a GPU when one is present)")
      ->capture_default_str();
}

namespace {

std::unique_ptr<backend> make_chosen_device(device_choice choice, int threads, bool quiet) {
  std::unique_ptr<backend> made;
  try {
    // One GPU for each process of a data-parallel run on this machine.
    made = make_backend(choice, threads, local_process());
  } catch (const error& e) {
    if (e.code() != error_code::device_error) throw;
    throw error(e.code(), std::string("--device ") + device_choice_name(choice) + ": " + e.what());
  }
  if (!quiet && choice != device_choice::cpu)
    std::fprintf(stderr, "aerec: computing on %s\n", made->name().c_str());
  return made;
}

}  // namespace

std::unique_ptr<backend> make_device(const std::string& device, int threads, bool quiet) {
  return make_chosen_device(parse_device_choice(device), threads, quiet);
}

backend_factory device_factory(const std::string& device, bool quiet) {
  const device_choice choice = parse_device_choice(device);
  return [choice, quiet](const train_config& config) {
    return make_chosen_device(choice, config.threads, quiet);
  };
}

bool run_epochs(training_run& run, bool quiet) {
  progress bar(run.config().epochs, quiet);
  catch_interrupts();
  int early_stop = 0;  // the epoch that stopped the run early
  const bool finished = run.run_epochs([] { return interrupted != 0; },
                                       [&](const epoch_event& e) {
                                         bar.update(e.report, e.validation);
                                         if (e.early_stop) early_stop = e.report.epoch;
                                       });
  bar.finish();
  if (early_stop > 0 && !quiet)
    std::printf("early stop after epoch %d: no better %s for %d epochs\n", early_stop,
                validation_figure_of(run.config()).key, run.spec().patience);
  return finished;
}

void write_outputs(const run_spec& spec, model& trained, const nlohmann::ordered_json& metrics) {
  if (run_processes().rank() > 0) return;
  if (!spec.out.empty()) save_model(spec.out, trained);
  if (!spec.metrics_out.empty()) write_json(spec.metrics_out, metrics);
  // The curves as aerec plot draws them from the metrics, the run named by its preset.
  if (!spec.plot.empty()) {
    const plot::training_history history[] = {plot::history_of(metrics, spec.preset, "the run")};
    plot::write_training_curves(spec.plot, history);
  }
}

void report_left_out(const training_run& run) {
  report_left_out(run.test_left_out(), "test");
  report_left_out(run.validation_left_out(), "validation");
  report_short_users(run.data().short_users);
}

}  // namespace aerec::cli
