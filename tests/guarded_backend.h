#pragma once
// A CPU backend whose memory host code cannot touch, as a GPU's: every
// allocation is its own mmap'ed pages, kept PROT_NONE except while one of the
// backend's own calls runs. Host code that reads or writes backend memory
// directly (not through an operation, to_host or to_device) then dies with
// SIGSEGV at the offending line, where the plain CPU backend would let it pass.
// Operations also refuse (std::logic_error naming them) a pointer argument
// outside backend memory, and to_host/to_device a host side inside it, since
// a GPU could not follow either.
#include <memory>

#include "aerec/backend/backend.h"

namespace aerec::testing {

// make_cpu_backend(1)'s math on guarded memory.
std::unique_ptr<backend> make_guarded_backend();

}  // namespace aerec::testing
