// aerec data: describe and download rating data sets.
#include "commands.h"

namespace aerec::cli {

void add_data_command(CLI::App& app) { app.add_subcommand("data", "Describe or download data sets"); }

}  // namespace aerec::cli
