#include "data_source.h"

#include <cstdlib>

#include "aerec/error.h"

namespace aerec::cli {

void add_data_option(CLI::App& command, std::string& dir) {
  command.add_option("--data", dir,
                     "MovieLens-100K folder, or a folder holding ml-100k/ (default: $MOVIELENS_DIR)");
}

std::filesystem::path resolve_ml100k(const std::string& dir) {
  if (!dir.empty()) return locate_movielens_100k(dir);
  const char* env = std::getenv("MOVIELENS_DIR");
  if (!env || !*env)
    throw error(error_code::invalid_argument, "no data folder: pass --data DIR or set MOVIELENS_DIR");
  return locate_movielens_100k(env);
}

dataset load_data(const std::string& dir, const std::string& split) {
  return load_movielens_100k(resolve_ml100k(dir), split);
}

}  // namespace aerec::cli
