// Integration tests read real MovieLens data from $MOVIELENS_DIR (.ci/run sets
// it): a folder holding ml-100k/, ml-1m/ and ml-latest-small/. Without the
// data they cannot run: they say why and exit with 77, which ctest reports as
// skipped, never as passed.
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "catch_session.h"

int main(int argc, char** argv) {
  const char* dir = std::getenv("MOVIELENS_DIR");
  if (!dir || !*dir) {
    std::printf(
        "SKIPPED: MOVIELENS_DIR is not set; point it at a folder holding ml-100k/, ml-1m/ "
        "and ml-latest-small/\n");
    return 77;
  }
  for (const char* set : {"ml-100k/u.data", "ml-1m/ratings-notimestamp.dat", "ml-latest-small/ratings.csv"}) {
    if (!std::filesystem::exists(std::filesystem::path(dir) / set)) {
      std::printf("SKIPPED: %s/%s is missing\n", dir, set);
      return 77;
    }
  }
  return aerec::testing::run_catch(argc, argv);
}
