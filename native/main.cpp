// aerec: train and use autoencoder recommenders from the command line.
#include <cstdio>
#include <exception>

#include "aerec/core/error.h"
#include "commands.h"
#include "processes.h"

namespace {

// Exit codes: 0 success, 2 usage, then one per error kind.
int exit_code(aerec::error_code code) {
  switch (code) {
    case aerec::error_code::invalid_argument:
      return 2;
    case aerec::error_code::parse_error:
      return 3;
    case aerec::error_code::io_error:
      return 4;
    case aerec::error_code::model_format:
      return 5;
    case aerec::error_code::unknown_id:
      return 6;
    case aerec::error_code::device_error:
      return 7;
    case aerec::error_code::internal:
      return 70;
  }
  return 70;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"aerec: autoencoder recommenders for MovieLens, and image autoencoders"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "aerec 0.1.0");
  aerec::cli::add_train_command(app);
  aerec::cli::add_tune_command(app);
  aerec::cli::add_eval_command(app);
  aerec::cli::add_recommend_command(app);
  aerec::cli::add_predict_command(app);
  aerec::cli::add_info_command(app);
  aerec::cli::add_data_command(app);
  aerec::cli::add_export_command(app);
  aerec::cli::add_map_command(app);
  aerec::cli::add_place_command(app);
  aerec::cli::add_plot_command(app);
  aerec::cli::add_reconstruct_command(app);
  aerec::cli::start_processes();
  try {
    if (argc > 1) aerec::cli::refuse_processes(argv[1]);
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  } catch (const aerec::cli::exit_request& e) {
    aerec::cli::end_processes();
    return e.code;
  } catch (const aerec::error& e) {
    return aerec::cli::fail(e.what(), exit_code(e.code()));
  } catch (const std::exception& e) {
    return aerec::cli::fail(e.what(), 70);
  }
  aerec::cli::end_processes();
  return 0;
}
