#pragma once
// What aerec train and aerec tune add around the library's training run
// (aerec/train/run.h): --device, progress on stderr, and Ctrl-C.
#include <CLI/CLI.hpp>
#include <string>

#include "aerec/train/run.h"

namespace aerec::cli {

// --device cpu|cuda|auto, for the commands that train.
void add_device_option(CLI::App& cmd, std::string& device);
// The backend --device names (checked now, before any data loads), made with
// the run's thread count; unless quiet or cpu, a note says which one it is.
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
