#pragma once
// What the CLI training tests share: rating fixtures of two taste groups, and
// a training run that returns its metrics.
#include <nlohmann/json.hpp>
#include <string>

#include "cli/cli_runner.h"
#include "temp_dir.h"

namespace aerec::testing {

// A MovieLens-100K-style u.data of `users` x `movies` where rated(u, m) says
// which pairs are rated: 4 or 5 when user and movie share a parity (the
// taste groups), 1 or 2 otherwise.
template <class Rated>
std::string two_taste_ratings(int users, int movies, Rated&& rated) {
  std::string lines;
  for (int u = 1; u <= users; ++u)
    for (int m = 1; m <= movies; ++m) {
      if (!rated(u, m)) continue;
      const int r = 1 + ((u % 2 == m % 2) ? 3 : 0) + (u + m) % 2;
      lines += std::to_string(u) + "\t" + std::to_string(m) + "\t" + std::to_string(r) + "\t" +
               std::to_string(880000000 + u * 100 + m) + "\n";
    }
  return lines;
}

// `aerec train <flags> <args>` with its checkpoint and metrics named `name`
// in `out`; requires success and returns the metrics.
inline nlohmann::json train_metrics(const std::string& flags, const std::string& args, const temp_dir& out,
                                    const std::string& name) {
  const auto metrics = out.path() / (name + ".json");
  const result r = run_aerec("train " + flags + args + " --checkpoint " +
                             (out.path() / (name + ".ckpt")).string() + " --metrics-out " + metrics.string());
  INFO(r.err);
  REQUIRE(r.code == 0);
  return nlohmann::json::parse(read(metrics));
}

// A usage error (exit 2) whose message contains `message`.
inline void expect_refusal(const result& r, const std::string& message) {
  INFO("stderr: " << r.err);
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::StartsWith("aerec: error: ") && Catch::Contains(message));
}

}  // namespace aerec::testing
