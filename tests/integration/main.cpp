// Integration tests read real MovieLens data from $MOVIELENS_DIR (.ci/run sets
// it). Without the data they cannot run: they say why and exit with 77, which
// ctest reports as skipped, never as passed.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>

#include "aerec/error.h"
#include "aerec/movielens.h"

int main(int argc, char** argv) {
  const char* dir = std::getenv("MOVIELENS_DIR");
  if (!dir || !*dir) {
    std::printf("SKIPPED: MOVIELENS_DIR is not set; point it at a folder holding ml-100k/\n");
    return 77;
  }
  try {
    aerec::locate_movielens_100k(dir);
  } catch (const aerec::error& e) {
    std::printf("SKIPPED: %s\n", e.what());
    return 77;
  }
  return Catch::Session().run(argc, argv);
}
