// aerec's memory grows linearly with the data (issue 22): two synthetic sets of ML-25M's shape
// (bench/synthetic_ratings.cpp), N and 2N ratings, users and movies scaling with them; one
// epoch of aerec train, then aerec eval of its model, on each; each child's peak RSS from
// wait4. Twice the ratings may take at most 2.1 times the peak. Anything of users x movies
// (a dense matrix of predictions, an optimizer step over every parameter's history for every
// pair) grows four times and fails; so does a copy of the data per user or per movie batch.
// The peak must also grow at least 1.4 times, or the data no longer dominates the process's
// fixed memory (about 28 MiB: the binary, its libraries, thread stacks; a CUDA build opens cuBLAS,
// another 200 MiB, only for a CUDA backend) and the test would pass whatever the code did. At
// 4 M ratings it grew 1.68 times in train and 1.75 in eval; at 1 M, where the data's 15 bytes
// a rating weigh less than the fixed memory, only 1.25. A float matrix of users x movies beside
// it would have made that about 3.
// usage: aerec_memory_linearity AEREC GENERATOR [RATINGS]   (default 4,000,000)
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "temp_dir.h"

namespace {

struct measured {
  double seconds = 0;
  double peak_mib = 0;
};

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs args[0] with args, its output in `log`; its own peak RSS (wait4's rusage is the child's
// alone). Exits the test, showing the log, when it fails.
measured run(const std::vector<std::string>& args, const std::filesystem::path& log) {
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid == 0) {
    if (!std::freopen(log.c_str(), "w", stdout) || dup2(fileno(stdout), STDERR_FILENO) < 0) _exit(127);
    execv(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  rusage usage{};
  if (pid < 0 || wait4(pid, &status, 0, &usage) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::string command;
    for (const std::string& a : args) command += a + " ";
    std::printf("FAILED: %s\n%s\n", command.c_str(), read_file(log).c_str());
    std::exit(1);
  }
  return {std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
          static_cast<double>(usage.ru_maxrss) / 1024.0};  // KiB on Linux
}

// Lazy updates, once aerec train has them: the memory of the run at scale.
bool has_lazy_updates(const std::string& aerec, const std::filesystem::path& scratch) {
  const std::filesystem::path help = scratch / "help.txt";
  run({aerec, "train", "--help"}, help);
  return read_file(help).find("--lazy-updates") != std::string::npos;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3 || argc > 4) {
    std::fprintf(stderr, "usage: %s AEREC GENERATOR [RATINGS]\n", argv[0]);
    return 2;
  }
  const std::string aerec = argv[1], generator = argv[2];
  const long long n = argc == 4 ? std::atoll(argv[3]) : 4'000'000;
  aerec::testing::temp_dir scratch;
  const bool lazy = has_lazy_updates(aerec, scratch.path());

  const std::array<long long, 2> sizes = {n, 2 * n};
  std::array<measured, 2> train{}, eval{};
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    const std::filesystem::path dir = scratch.path() / std::to_string(sizes[i]);
    run({generator, "--out", dir.string(), "--ratings", std::to_string(sizes[i])},
        scratch.path() / "generate.log");
    const std::string model = (dir / "model.aerec").string();
    std::vector<std::string> flags = {aerec,        "train",    "--data",     dir.string(), "--split",
                                      "random:0.1", "--preset", "seed-fixed", "--epochs",   "1",
                                      "--threads",  "2",        "--out",      model};
    if (lazy) flags.emplace_back("--lazy-updates");
    train[i] = run(flags, scratch.path() / "train.log");
    eval[i] = run({aerec, "eval", model, "--threads", "2"}, scratch.path() / "eval.log");
  }

  std::printf(
      "memory against ratings: seed-fixed%s, one epoch, 2 threads (users and movies scale with the "
      "ratings)\n",
      lazy ? " --lazy-updates" : "");
  std::printf("%12s %12s %14s %12s %14s\n", "ratings", "train s", "train MiB", "eval s", "eval MiB");
  for (std::size_t i = 0; i < sizes.size(); ++i)
    std::printf("%12lld %12.1f %14.1f %12.1f %14.1f\n", sizes[i], train[i].seconds, train[i].peak_mib,
                eval[i].seconds, eval[i].peak_mib);
  bool ok = true;
  for (const auto& [name, m] : {std::pair{"train", train}, std::pair{"eval", eval}}) {
    const double growth = m[1].peak_mib / m[0].peak_mib;
    const bool linear = growth <= 2.1, grows = growth >= 1.4;
    std::printf("%s: twice the ratings, %.2f times the peak (allowed 1.4 to 2.1)%s\n", name, growth,
                linear && grows ? ""
                : linear        ? ": FAILED, the data no longer dominates"
                                : ": FAILED, superlinear");
    ok = ok && linear && grows;
  }
  return ok ? 0 : 1;
}
