#include "processes.h"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <thread>

#include "aerec/core/error.h"
#include "aerec/train/mpi_collective.h"

namespace aerec::cli {

namespace {

std::unique_ptr<mpi_collective>& mpi() {
  static std::unique_ptr<mpi_collective> started;
  return started;
}

int failure_fd = STDERR_FILENO;  // where a rank other than 0 reports its failure

// A rank other than 0 prints nothing: its stdout and stderr go to /dev/null,
// and a copy of its stderr is kept for its failure.
void silence() {
  failure_fd = dup(STDERR_FILENO);
  const int null = open("/dev/null", O_WRONLY);
  if (null < 0) return;
  std::fflush(stdout);
  std::fflush(stderr);
  dup2(null, STDOUT_FILENO);
  dup2(null, STDERR_FILENO);
  close(null);
}

// This process's rank as the MPI launcher's environment gives it (0 without one).
int launched_rank() {
  for (const char* name : {"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK"})
    if (const char* value = std::getenv(name)) return std::atoi(value);
  return 0;
}

}  // namespace

void start_processes() {
  if (mpi_launched_size() > 1 && launched_rank() > 0) silence();
}

collective& run_processes() {
  if (mpi()) return *mpi();
  if (mpi_launched_size() <= 1) return one_process();
  mpi() = std::make_unique<mpi_collective>();
  return *mpi();
}

int local_process() { return mpi() ? mpi()->local_rank() : 0; }

void end_processes() { mpi().reset(); }

int fail(const std::string& message, int code) {
  if (!mpi() || mpi()->size() == 1) {
    std::fprintf(stderr, "aerec: error: %s\n", message.c_str());
    return code;
  }
  const int rank = mpi()->rank();
  if (rank > 0) {
    // A failure every rank meets (a missing file, say) is rank 0's to report:
    // its end of the run ends this process first.
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  const std::string line =
      "aerec: error: " +
      (rank > 0 ? "rank " + std::to_string(rank) + " of " + std::to_string(mpi()->size()) + ": "
                : std::string()) +
      message + "\n";
  if (write(failure_fd, line.data(), line.size()) < 0) {
    // Nowhere left to say it; the exit code still tells.
  }
  mpi()->abort(code);
}

void refuse_processes(const std::string& command) {
  if (command == "train" || mpi_launched_size() <= 1) return;
  throw error(
      error_code::invalid_argument,
      "aerec " + command + " runs in one process; only aerec train runs across the processes mpirun starts");
}

}  // namespace aerec::cli
