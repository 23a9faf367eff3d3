#pragma once
#include <memory>

#include "aerec/backend/backend.h"

namespace aerec {

// The CPU backend. `threads` > 1 parallelises every large operation; the
// split of work depends only on `threads`, so results are reproducible for a
// given thread count.
std::unique_ptr<backend> make_cpu_backend(int threads = 1);

// The core primitives as plain scalar loops, and every op family from its host
// implementation: slow, obviously right, and what the fast backends are
// tested against.
std::unique_ptr<backend> make_reference_backend();

}  // namespace aerec
