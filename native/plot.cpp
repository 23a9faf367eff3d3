// aerec plot: the training and validation curves of runs, from the metrics
// files aerec train --metrics-out writes, overlaid in one picture (SVG or PNG).
#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "aerec/core/error.h"
#include "aerec/io/file_io.h"
#include "aerec/plot/image_file.h"
#include "aerec/plot/training_curves.h"
#include "commands.h"
#include "output.h"

namespace aerec::cli {

namespace {

struct plot_args {
  std::vector<std::string> metrics;
  std::string out;
};

plot::training_history read_history(const std::string& path, std::string name) {
  json metrics;
  try {
    metrics = json::parse(read_file(path));
  } catch (const json::exception& e) {  // parse_error, or out_of_range for a number such as 1e309
    throw error(error_code::parse_error, path + ": not valid JSON: " + e.what());
  }
  return plot::history_of(metrics, std::move(name), path);
}

// A run is named by its file's stem, or by the path as given where two stems are the same.
std::vector<std::string> run_names(const std::vector<std::string>& paths) {
  std::vector<std::string> stems;
  for (const std::string& p : paths) stems.push_back(std::filesystem::path(p).stem().string());
  std::vector<std::string> names;
  for (std::size_t i = 0; i < paths.size(); ++i)
    names.push_back(std::count(stems.begin(), stems.end(), stems[i]) > 1 ? paths[i] : stems[i]);
  return names;
}

void run(const plot_args& a) {
  plot::format_of(a.out);  // a bad extension fails before any file is read
  const std::vector<std::string> names = run_names(a.metrics);
  std::vector<plot::training_history> runs;
  for (std::size_t i = 0; i < a.metrics.size(); ++i) runs.push_back(read_history(a.metrics[i], names[i]));
  plot::write_training_curves(a.out, runs);
  std::printf("wrote %s\n", a.out.c_str());
}

}  // namespace

void add_plot_command(CLI::App& app) {
  auto args = std::make_shared<plot_args>();
  CLI::App* cmd = app.add_subcommand(
      "plot", "Draw the training and validation curves of runs (aerec train --metrics-out files)");
  cmd->add_option("metrics", args->metrics, "Metrics files of aerec train --metrics-out; each is a run")
      ->required();
  cmd->add_option("--out", args->out, "The picture: an .svg or a .png file")->required();
  cmd->callback([args] { run(*args); });
}

}  // namespace aerec::cli
