// libFuzzer target: checkpoints (io/checkpoint.h) read as
// training_run::resume reads them, short of loading data: the model, the run
// description (RUNJ) with its configuration, the trainer's state (TRNR) for
// that configuration, and the early-stopping state (STOP) put back into the
// model, as a finished run does.
#include "aerec/io/checkpoint.h"

#include "aerec/train/run.h"
#include "model_bytes.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace aerec;
  using namespace aerec::fuzz;
  checkpoint_state state;
  std::unique_ptr<model> m;
  if (!accepted([&] {
        m = std::make_unique<model>(deserialize_checkpoint(cpu(), as_text(data, size), "checkpoint", state));
      }))
    return 0;
  check_round_trip(*m);
  accepted([&] {
    early_stopping stopping(0);
    stopping.load_state(state.stopping, "checkpoint");
    stopping.restore_best(m->network());
  });
  accepted([&] {
    const saved_run run = parse_run_description(state.run, "checkpoint");
    trainer t(m->network(), run.config);
    t.load_state(state.trainer, "checkpoint");
  });
  return 0;
}

extern "C" std::size_t LLVMFuzzerCustomMutator(std::uint8_t* data, std::size_t size, std::size_t max_size,
                                               unsigned int seed) {
  return aerec::fuzz::mutate_with_checksum(data, size, max_size, seed);
}
