// libFuzzer target: `aerec train --config FILE.json` (native/config_file.h),
// on a command with train's flags, made from the same option tables; the
// configuration the file gives is then made and validated as train makes it.
#include "config_file.h"

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

#include "aerec/train/run.h"
#include "fuzz_target.h"
#include "option_flags.h"

namespace aerec::fuzz {
namespace {

template <class T>
T with_overrides(T target, const std::vector<std::function<void(T&)>>& overrides) {
  for (const auto& apply : overrides) apply(target);
  return target;
}

// The command, made once (a hundred options take longer to declare than most
// inputs to read) and cleared of the last input's values before each.
struct train_command {
  CLI::App app{"aerec"};
  CLI::App& train = *app.add_subcommand("train");
  std::vector<std::function<void(run_spec&)>> run_overrides;
  std::vector<std::function<void(train_config&)>> config_overrides;
  std::vector<CLI::Option*> run_flags, config_flags;
  std::string checkpoint, device, resume;

  train_command() {
    cli::add_config_option(train);
    cli::add_option_flags(train, run_options(), run_overrides, run_flags);
    train.add_option("--checkpoint", checkpoint);
    train.add_option("--device", device);
    train.add_option("--resume", resume);
    cli::add_option_flags(train, train_options(), config_overrides, config_flags);
  }
};

}  // namespace
}  // namespace aerec::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace aerec;
  using namespace aerec::fuzz;
  static train_command command;
  command.app.clear();
  accepted([&] {
    cli::apply_config_text(command.train, as_text(data, size), "config.json");
    const run_spec spec = with_overrides(run_spec{}, command.run_overrides);
    validate(with_overrides(preset(spec.preset), command.config_overrides));
  });
  return 0;
}
