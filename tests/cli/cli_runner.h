#pragma once
// Runs the aerec binary for CLI tests and captures what it prints.
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "temp_dir.h"

namespace aerec::testing {

struct result {
  int code;
  std::string out;
  std::string err;
};

// Runs `aerec <args>` through the shell, capturing stdout, stderr and the exit code.
inline result run_aerec(const std::string& args, const std::string& env = "") {
  static temp_dir scratch;
  const std::string err_path = (scratch.path() / "stderr").string();
  const std::string command = env + " " + AEREC_CLI_PATH + " " + args + " 2>" + err_path;
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe);
  std::string out;
  char buffer[4096];
  while (const std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
  const int status = pclose(pipe);
  std::ifstream err_file(err_path);
  std::stringstream err;
  err << err_file.rdbuf();
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out, err.str()};
}

inline std::string read(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace aerec::testing
