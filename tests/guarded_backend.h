#pragma once
// A CPU backend whose memory host code cannot touch, as a GPU's: every
// allocation is its own mmap'ed pages, kept PROT_NONE except while one of the
// backend's own calls runs. Host code that reads or writes backend memory
// directly (not through an operation, to_host or to_device) then dies with
// SIGSEGV at the offending line, where the plain CPU backend would let it pass.
// Operations also refuse (std::logic_error naming them) a pointer argument
// outside backend memory, and to_host/to_device a host side inside it, since
// a GPU could not follow either. Its memory is not the host's (host_memory()
// is false), so the op families it does not implement come from their host
// implementations through staging (backend.h): that proves the staging too.
#include <memory>

#include "aerec/backend/backend.h"

namespace aerec::testing {

// make_cpu_backend(1)'s core primitives, element-wise operations, losses and
// optimizer steps on guarded memory; the penalties, the variational code and
// GLocal-K's operations staged through the host, as the CPU's run in place.
std::unique_ptr<backend> make_guarded_backend();

// The core primitives alone: every op family staged through the host.
std::unique_ptr<backend> make_guarded_core_backend();

}  // namespace aerec::testing
