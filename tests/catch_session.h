#pragma once
// Runs the Catch2 tests linked into this program (catch_session.cpp holds
// Catch2's implementation, built once for every test program).
namespace aerec::testing {

int run_catch(int argc, char** argv);

}  // namespace aerec::testing
