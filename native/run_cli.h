#pragma once
// What aerec train and aerec tune add around the library's training run
// (aerec/train/run.h): --device, progress on stderr, and Ctrl-C. --device is
// also every command's that computes with a saved model (eval, predict, ...).
#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "aerec/train/run.h"

namespace aerec::cli {

// --device cpu|cuda|auto, for the commands that train or compute with a model.
void add_device_option(CLI::App& cmd, std::string& device);
// The backend --device names, with `threads` for the CPU: error_code::device_error
// saying why when it names none usable; unless quiet or cpu, a note says which one it is.
std::unique_ptr<backend> make_device(const std::string& device, int threads, bool quiet);
// The same for a training run (the device checked now, before any data loads),
// made with the run's thread count.
backend_factory device_factory(const std::string& device, bool quiet);

// Runs the remaining epochs with a progress display (none when quiet). Ctrl-C
// stops at the next batch: it returns false then (a second one kills as usual).
bool run_epochs(training_run& run, bool quiet);

// Writes the model, metrics and training curves where `spec` says: rank 0's
// to write in a data-parallel run (processes.h), every process holding the same.
void write_outputs(const run_spec& spec, model& trained, const nlohmann::ordered_json& metrics);

// Notes on stderr of the test and validation ratings nothing could predict.
void report_left_out(const training_run& run);

}  // namespace aerec::cli
