#include "data_source.h"

#include <cstdlib>

#include "aerec/error.h"

namespace aerec::cli {

void add_data_option(CLI::App& command, std::string& dir) {
  command.add_option("--data", dir,
                     "MovieLens-100K folder, or a folder holding ml-100k/ (default: $MOVIELENS_DIR)");
}

std::filesystem::path resolve_ml100k(const std::string& dir) {
  std::string chosen = dir;
  if (chosen.empty()) {
    const char* env = std::getenv("MOVIELENS_DIR");
    if (!env || !*env)
      throw error(error_code::invalid_argument,
                  "no data folder: pass --data DIR or set MOVIELENS_DIR");
    chosen = env;
  }
  const std::filesystem::path root(chosen);
  std::error_code ec;
  if (std::filesystem::exists(root / "u.data", ec)) return root;
  if (std::filesystem::exists(root / "ml-100k" / "u.data", ec)) return root / "ml-100k";
  throw error(error_code::io_error,
              root.string() + ": no MovieLens-100K data here (expected u.data or ml-100k/u.data)");
}

dataset load_data(const std::string& dir, const std::string& split) {
  return load_movielens_100k(resolve_ml100k(dir), split);
}

}  // namespace aerec::cli
