#pragma once
// --config FILE.json: a JSON object whose keys are a command's long flag names
// without the dashes, e.g. {"preset": "seed", "epochs": 100, "layers": [20, 10,
// 20], "lr": 0.01, "shuffle": false}. The file is equivalent to giving those
// flags; a flag given on the command line wins over the file.
#include <CLI/CLI.hpp>
#include <string>
#include <string_view>

namespace aerec::cli {

// Adds --config to a subcommand. A missing file is error_code::io_error; invalid
// JSON, a value that is not an object, an unknown key or a value of the wrong
// type are error_code::invalid_argument, each naming the file (and the key).
//
// Not CLI11's own set_config(): CLI11 2.1.2 reads the config file of the
// top-level app only, and silently ignores a subcommand's.
void add_config_option(CLI::App& command);

// What --config does with the file's text: `source` (its path) names it in
// errors. For the fuzzer (fuzz/config_file.cpp), which has no file.
void apply_config_text(CLI::App& command, std::string_view text, const std::string& source);

}  // namespace aerec::cli
