// The [nccl] tests: aerec train --device cuda in 2 processes, one GPU each,
// their gradients summed by NCCL. They need 2 GPUs, mpirun and ML-100K from
// $MOVIELENS_DIR; without them they say why and exit with 77 (skipped).
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "aerec/backend/cuda_backend.h"
#include "catch_session.h"

int main(int argc, char** argv) {
  std::string why;
  const int gpus = aerec::cuda_device_count(&why);
  if (gpus < 2) {
    std::printf("SKIPPED: NCCL's tests need 2 GPUs, and this machine has %d%s%s\n", gpus,
                why.empty() ? "" : ": ", why.c_str());
    return 77;
  }
  if (std::system("mpirun --version >/dev/null 2>&1") != 0) {
    std::printf("SKIPPED: no mpirun (apt-get install openmpi-bin)\n");
    return 77;
  }
  const char* dir = std::getenv("MOVIELENS_DIR");
  if (!dir || !std::filesystem::exists(std::filesystem::path(dir) / "ml-100k/u.data")) {
    std::printf("SKIPPED: no ML-100K: set MOVIELENS_DIR to a folder holding ml-100k/\n");
    return 77;
  }
  return aerec::testing::run_catch(argc, argv);
}
