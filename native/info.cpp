// aerec info: what a model file holds.
#include "commands.h"

namespace aerec::cli {

void add_info_command(CLI::App& app) { app.add_subcommand("info", "Describe a model file"); }

}  // namespace aerec::cli
