// aerec train: train an autoencoder on a split, report test figures; with a
// validation slice, stop early and keep the best epoch; checkpoint, resume,
// and save a checkpoint on Ctrl-C (the run itself: training_session.h).
#include <memory>

#include "aerec/io/model_file.h"
#include "aerec/train/options.h"
#include "commands.h"
#include "config_file.h"
#include "training_session.h"

namespace aerec::cli {

namespace {

// Declares a flag for each option in `table` (--name,--no-name for an on/off
// one; a list's values separated by commas) with its help, and adds to
// `overrides` a step that sets the option when its flag was given (on the
// command line or in a --config file): they apply in the table's order.
// `flags` lists the flags, for --resume to refuse. The table must outlive the command.
template <class T>
void add_option_flags(CLI::App& cmd, const std::vector<option<T>>& table,
                      std::vector<std::function<void(T&)>>& overrides,
                      std::vector<CLI::Option*>& flags) {
  for (const option<T>& o : table)
    std::visit(
        [&](const auto& like) {
          using value_type = std::decay_t<decltype(like)>;
          auto value = std::make_shared<value_type>();
          CLI::Option* flag = nullptr;
          if constexpr (std::is_same_v<value_type, bool>)
            flag = cmd.add_flag("--" + o.name + ",!--no-" + o.name, *value, o.help);
          else
            flag = cmd.add_option("--" + o.name, *value, o.help);
          if constexpr (std::is_same_v<value_type, std::vector<int>>) flag->delimiter(',');
          overrides.push_back([flag, value, &o](T& target) {
            if (flag->count() > 0) o.set(target, *value);
          });
          flags.push_back(flag);
        },
        o.default_value);
}

void run(const train_args& a) {
  session s = a.resume.empty() ? start(a) : resume(a);
  if (!run_epochs(s)) {
    std::fprintf(stderr,
                 "aerec: interrupted: checkpoint saved to %s after %d epochs; continue with\n"
                 "  aerec train --resume %s\n",
                 s.checkpoint_path.c_str(), s.train->epochs_done(), s.checkpoint_path.c_str());
    throw exit_request{130};
  }
  json metrics = final_metrics(s);
  if (const std::string out = s.run["out"]; !out.empty()) {
    json meta = metrics;
    meta.erase("history");
    s.trained->set_metadata(meta.dump());
    save_model(out, *s.trained);
  }
  if (const std::string path = s.run["metrics-out"]; !path.empty()) write_json(path, metrics);
}

}  // namespace

void add_train_command(CLI::App& app) {
  auto args = std::make_shared<train_args>();
  train_args& a = *args;
  CLI::App* cmd = app.add_subcommand("train", "Train an autoencoder and report its test figures");
  add_config_option(*cmd);
  std::string presets_help = "Starting configuration; flags override it. One of:";
  for (const preset_info& p : presets()) presets_help += "\n  " + p.name + ": " + p.description;
  add_data_options(*cmd, a.data);
  cmd->add_option("--split", a.split, split_help)->capture_default_str();
  cmd->add_option("--val", a.val,
                  "Carve this fraction of the training part out as a validation slice (held-out "
                  "users for users:F); reported every epoch, and the best epoch is kept");
  cmd->add_option("--patience", a.patience,
                  "Stop after this many epochs without a better validation rmse (needs --val)");
  cmd->add_option("--preset", a.preset, presets_help)->capture_default_str();
  cmd->add_option("--out", a.out, "Write the trained model here");
  cmd->add_option("--metrics-out", a.metrics_out, "Write figures and per-epoch history (JSON)");
  cmd->add_option("--checkpoint", a.checkpoint,
                  "Checkpoint file (default: OUT.ckpt, or aerec-train.ckpt without --out); "
                  "written on Ctrl-C and every --checkpoint-every epochs");
  cmd->add_option("--checkpoint-every", a.checkpoint_every, "Save a checkpoint every N epochs");
  add_device_option(*cmd, a.device);
  cmd->add_option("--resume", a.resume,
                  "Continue the run saved in this checkpoint (same data, split and configuration)");

  add_option_flags(*cmd, train_options(), a.overrides, a.config_flags);
  cmd->callback([args] { run(*args); });
}

}  // namespace aerec::cli
