// Catch2's implementation, compiled once for every test program: it is most
// of a test program's build time. Each program's main calls run_catch.
#define CATCH_CONFIG_RUNNER
#include "catch_session.h"

#include <catch2/catch.hpp>

int aerec::testing::run_catch(int argc, char** argv) { return Catch::Session().run(argc, argv); }
