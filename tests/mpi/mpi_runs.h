#pragma once
// What the mpirun tests share: aerec train in N processes, and comparing two
// runs' figures and weights.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/cli_runner.h"
#include "cli/model_weights.h"
#include "temp_dir.h"

namespace aerec::testing {

using json = nlohmann::json;

inline std::string movielens(const std::string& set) {
  return std::string(std::getenv("MOVIELENS_DIR")) + "/" + set;
}

// mpirun with N processes on this 2-core machine; as root too (CI's
// containers), and without the single-copy transfer some containers forbid.
inline std::string mpirun(int n) {
  return "timeout -k 5 300 mpirun --oversubscribe --mca btl_vader_single_copy_mechanism none " +
         std::string(geteuid() == 0 ? "--allow-run-as-root " : "") + "-np " + std::to_string(n);
}

// `aerec train <args>` in `processes` processes (1: without mpirun), writing
// `name`.aerec and `name`.json in `out`; returns the metrics.
inline json train(int processes, const std::string& args, const temp_dir& out, const std::string& name) {
  const std::string files = " --out " + (out.path() / (name + ".aerec")).string() + " --metrics-out " +
                            (out.path() / (name + ".json")).string();
  const result r = run_aerec("train " + args + files, processes > 1 ? mpirun(processes) : "");
  INFO(r.err);
  REQUIRE(r.code == 0);
  return json::parse(read(out.path() / (name + ".json")));
}

// The test figures (those whose names start with `prefix`) and each epoch's
// training figure of two runs, relatively within `tolerance`. Catalogue
// coverage counts movies, and one tie broken the other way changes it: it is
// left out. The other top-k figures count items in each user's top k: where two
// runs' predictions differ in their last bits (processes sum the gradients in
// another order), a near-tie can swap an item in or out, which moves them by up
// to 1 / users; `swaps` such moves are allowed.
inline void check_figures(const json& one, const json& many, double tolerance, int swaps = 0,
                          const std::string& prefix = "test_") {
  const double per_swap =
      one.contains("test_ranking_users") ? 1.0 / one.at("test_ranking_users").get<double>() : 0;
  int compared = 0;
  for (const auto& [key, value] : one.items()) {
    if (!key.starts_with(prefix) || key.find("coverage") != std::string::npos || !value.is_number_float())
      continue;
    INFO(key);
    const double margin = key.find("_at_") != std::string::npos ? swaps * per_swap : 0;
    CHECK(many.at(key).get<double>() ==
          Approx(value.get<double>()).epsilon(tolerance).margin(std::max(margin, 1e-9)));
    ++compared;
  }
  CHECK(compared > 0);
  REQUIRE(many.at("history").size() == one.at("history").size());
  for (std::size_t e = 0; e < one.at("history").size(); ++e)
    for (const char* key : {"train_loss", "train_nll"})
      if (one["history"][e].contains(key))
        CHECK(many["history"][e][key].get<double>() ==
              Approx(one["history"][e][key].get<double>()).epsilon(tolerance));
}

// Runs a bash script (saved in `out`) and returns its exit code.
inline int run_script(const temp_dir& out, const std::string& script) {
  const auto path = out.path() / "script.sh";
  out.write("script.sh", script);
  const int status = std::system(("bash " + path.string()).c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

inline float largest_difference(const std::vector<float>& a, const std::vector<float>& b) {
  REQUIRE(a.size() == b.size());
  float worst = 0;
  for (std::size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(a[i] - b[i]));
  return worst;
}

}  // namespace aerec::testing
