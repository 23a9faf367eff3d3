#pragma once
// The aerec subcommands; each file adds one to the app.
#include <CLI/CLI.hpp>

namespace aerec::cli {

// Thrown by a command to end the program with `code` after saying why on stderr.
struct exit_request {
  int code;
};

void add_train_command(CLI::App& app);
void add_tune_command(CLI::App& app);
void add_eval_command(CLI::App& app);
void add_recommend_command(CLI::App& app);
void add_predict_command(CLI::App& app);
void add_info_command(CLI::App& app);
void add_data_command(CLI::App& app);
void add_export_command(CLI::App& app);
void add_map_command(CLI::App& app);
void add_place_command(CLI::App& app);
void add_plot_command(CLI::App& app);
void add_reconstruct_command(CLI::App& app);

}  // namespace aerec::cli
