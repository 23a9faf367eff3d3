// aerec_tests' backends for the conformance suite (test_backend_ops.cpp).
#include "aerec/backend/cpu_backend.h"
#include "backend_ops.h"
#include "guarded_backend.h"

namespace aerec::testing {

std::vector<backend_under_test> backends_under_test() {
  std::vector<backend_under_test> all;
  // The reference against itself: a case that reads what it never set, or
  // draws its inputs differently from run to run, fails here.
  all.push_back({"reference", make_reference_backend()});
  all.push_back({"cpu, 1 thread", make_cpu_backend(1)});
  all.push_back({"cpu, 2 threads", make_cpu_backend(2), true, "cpu, 1 thread"});
  all.push_back({"cpu, 3 threads", make_cpu_backend(3), true, "cpu, 1 thread"});
  // Memory host code cannot touch: the CPU's fast families, the others staged
  // through the host; and every family staged.
  all.push_back({"guarded", make_guarded_backend()});
  all.push_back({"guarded, core only", make_guarded_core_backend()});
  return all;
}

}  // namespace aerec::testing
