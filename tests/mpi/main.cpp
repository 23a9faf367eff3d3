// The data-parallel tests run aerec train under mpirun on MovieLens from
// $MOVIELENS_DIR (.ci/run sets it). Without mpirun or the data they cannot
// run: they say why and exit with 77, which ctest reports as skipped.
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "catch_session.h"

int main(int argc, char** argv) {
  if (std::system("mpirun --version >/dev/null 2>&1") != 0) {
    std::printf("SKIPPED: no mpirun (apt-get install openmpi-bin)\n");
    return 77;
  }
  const char* dir = std::getenv("MOVIELENS_DIR");
  if (!dir || !*dir) {
    std::printf("SKIPPED: MOVIELENS_DIR is not set; point it at a folder holding ml-100k/ and ml-1m/\n");
    return 77;
  }
  for (const char* set : {"ml-100k/u.data", "ml-1m"}) {
    if (!std::filesystem::exists(std::filesystem::path(dir) / set)) {
      std::printf("SKIPPED: %s/%s is missing\n", dir, set);
      return 77;
    }
  }
  return aerec::testing::run_catch(argc, argv);
}
