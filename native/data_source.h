#pragma once
// Where the CLI finds MovieLens data: --data DIR, else $MOVIELENS_DIR.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <string>

#include "aerec/movielens.h"

namespace aerec::cli {

// Adds --data to a command; its value lands in `dir`.
void add_data_option(CLI::App& command, std::string& dir);

// The MovieLens-100K folder named by `dir` (or $MOVIELENS_DIR when empty):
// the folder itself when it holds u.data, else its ml-100k subfolder.
std::filesystem::path resolve_ml100k(const std::string& dir);

dataset load_data(const std::string& dir, const std::string& split);

}  // namespace aerec::cli
