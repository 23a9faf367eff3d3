// aerec tune: a grid search over training flags, each configuration trained
// on the training part and judged on a validation slice carved out of it;
// the test part is never looked at.
#include <algorithm>
#include <cstdio>
#include <memory>

#include "aerec/core/error.h"
#include "aerec/train/options.h"
#include "aerec/train/run.h"
#include "commands.h"
#include "data_source.h"
#include "output.h"
#include "run_cli.h"

namespace aerec::cli {

namespace {

struct tune_args {
  data_source data;
  std::string split = "u1", preset = "seed-fixed", config_out;
  double val = 0.1;
  int patience = 10;
  int threads = 1;
  std::string device = "cpu";
  std::vector<std::string> grid;  // "KEY=[V1, V2, ...]"
};

struct axis {
  std::string key;
  std::vector<json> values;
};

// "lr=[1e-3, 3e-4]": a configuration key (a train flag's name) and the JSON values to try.
axis parse_axis(const std::string& text, const json& keys) {
  const std::size_t eq = text.find('=');
  const std::string key = text.substr(0, eq);
  if (eq == std::string::npos || !keys.contains(key))
    throw error(error_code::invalid_argument,
                "--grid " + text +
                    ": expected KEY=[VALUES], KEY a flag of aerec train (such as lr, "
                    "weight-decay, layers, dropout)");
  const json values = json::parse(text.substr(eq + 1), nullptr, false);
  if (!values.is_array() || values.empty())
    throw error(error_code::invalid_argument,
                "--grid " + text + ": the values must be a non-empty JSON array, e.g. " + key + "=[1, 2]");
  return {key, values.get<std::vector<json>>()};
}

// Every combination of the axes' values, the first axis varying slowest.
std::vector<json> combinations(const std::vector<axis>& axes) {
  std::vector<json> all = {json::object()};
  for (const axis& a : axes) {
    std::vector<json> next;
    for (const json& partial : all)
      for (const json& v : a.values) {
        json c = partial;
        c[a.key] = v;
        next.push_back(c);
      }
    all = std::move(next);
  }
  return all;
}

struct trial {
  json settings;
  double validation = 0;
  int best_epoch = 0;
  double seconds = 0;
  json config;
};

// The preset with a combination's settings (and the thread count) on top.
// Every trial must be judged on the same data, as the preset's kind of model:
// a setting that makes another (item-based, ranking) is refused.
train_config config_of(const tune_args& t, const json& settings) {
  const train_config base = preset(t.preset);
  json merged = to_json(base);
  merged.update(settings);
  merged["threads"] = t.threads;
  train_config config = train_config_from_json(merged, "--grid " + settings.dump());
  if (!(meaning_of(config) == meaning_of(base)))
    throw error(
        error_code::invalid_argument,
        "--grid " + settings.dump() + ": it changes the data a model is judged on; tune each separately");
  return config;
}

trial run_trial(const tune_args& t, const json& settings) {
  run_spec spec;
  spec.data = t.data;
  spec.split = t.split;
  spec.preset = t.preset;
  spec.val = t.val;
  spec.patience = t.patience;
  // Trials save no checkpoints and show no progress.
  training_run r(spec, config_of(t, settings), {}, device_factory(t.device, true));
  if (!run_epochs(r, true)) throw exit_request{130};
  double seconds = 0;
  for (const auto& e : r.history()) seconds += e["seconds"].get<double>();
  json config = to_json(r.config());
  // Retraining the chosen configuration on the whole training part takes its best epoch count.
  config["epochs"] = r.stopping().best_epoch();
  return {settings, r.stopping().best_figure(), r.stopping().best_epoch(), seconds, config};
}

void run(const tune_args& t) {
  if (!(t.val > 0 && t.val < 1))
    throw error(error_code::invalid_argument, "--val must be in (0, 1): tune judges on a validation slice");
  if (t.grid.empty()) throw error(error_code::invalid_argument, "give at least one --grid KEY=[VALUES]");
  const json keys = to_json(preset(t.preset));
  std::vector<axis> axes;
  for (const std::string& g : t.grid) axes.push_back(parse_axis(g, keys));
  const std::vector<json> settings = combinations(axes);
  // Every combination is checked before the first trains: a bad value fails at once.
  for (const json& s : settings) config_of(t, s);

  // Every trial is the same kind of model: one figure judges them all.
  const validation_figure figure = validation_figure_of(preset(t.preset));
  const bool ranking = figure.direction == improves::up;
  std::vector<trial> trials;
  for (std::size_t i = 0; i < settings.size(); ++i) {
    trials.push_back(run_trial(t, settings[i]));
    const trial& r = trials.back();
    std::printf("%3zu/%zu  %s %.4f  best epoch %d  %.1fs  %s\n", i + 1, settings.size(),
                ranking ? "validation ndcg@100" : "validation rmse", r.validation, r.best_epoch, r.seconds,
                r.settings.dump().c_str());
    std::fflush(stdout);
  }
  const auto better = [&](const trial& x, const trial& y) {
    return ranking ? x.validation > y.validation : x.validation < y.validation;
  };
  const trial& best = *std::min_element(trials.begin(), trials.end(), better);
  std::printf("best: %s (validation %.4f, %d epochs)\n", best.settings.dump().c_str(), best.validation,
              best.best_epoch);
  if (!t.config_out.empty()) {
    write_json(t.config_out, best.config);
    std::printf("its configuration is in %s: aerec train --config %s trains it on the whole training part\n",
                t.config_out.c_str(), t.config_out.c_str());
  }
}

}  // namespace

void add_tune_command(CLI::App& app) {
  auto args = std::make_shared<tune_args>();
  tune_args& t = *args;
  CLI::App* cmd =
      app.add_subcommand("tune",
                         "Grid search: train every combination of --grid values on a validation slice of the "
                         "training part and report the best (the test part is never used)");
  add_data_options(*cmd, t.data);
  cmd->add_option("--split", t.split, split_help)->capture_default_str();
  cmd->add_option("--preset", t.preset, "The configuration the grid varies")->capture_default_str();
  cmd->add_option("--grid", t.grid,
                  "KEY=[V1,V2,...]: a train flag (lr, weight-decay, layers, dropout, ...) and the JSON "
                  "values to try; repeat for more axes")
      ->required();
  cmd->add_option("--val", t.val, "The validation slice's fraction of the training part")
      ->capture_default_str();
  cmd->add_option("--patience", t.patience,
                  "Stop a trial after this many epochs without a better validation figure")
      ->capture_default_str();
  cmd->add_option("--threads", t.threads, "CPU threads")->capture_default_str();
  add_device_option(*cmd, t.device);
  cmd->add_option("--config-out", t.config_out,
                  "Write the best configuration here (epochs = its best epoch), for aerec train --config");
  cmd->callback([args] { run(*args); });
}

}  // namespace aerec::cli
