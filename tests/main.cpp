#include "catch_session.h"

int main(int argc, char** argv) { return aerec::testing::run_catch(argc, argv); }
