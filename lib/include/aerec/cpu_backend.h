#pragma once
#include <memory>

#include "aerec/backend.h"

namespace aerec {

// The CPU backend. `threads` > 1 parallelises the large matrix products; the
// split of work depends only on `threads`, so results are reproducible for a
// given thread count.
std::unique_ptr<backend> make_cpu_backend(int threads = 1);

}  // namespace aerec
