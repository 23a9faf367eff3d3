#pragma once
// Deterministic work splitting for the CPU backend (internal). [0, n) is cut
// into contiguous parts, and each kernel gives every output element to exactly
// one part, computed in a fixed order: results do not depend on how many
// threads run, so a model trains the same with any --threads. The parts run on
// OpenMP's threads where the build has OpenMP, else on the backend's own pool
// (thread_pool.h: the threaded wasm module, native builds without OpenMP);
// serially in the single-threaded wasm module and for work too small to pay
// for waking threads.
#include <algorithm>
#include <cstddef>

#ifdef AEREC_THREAD_POOL
#include "backend/cpu/thread_pool.h"
#endif

namespace aerec::cpu {

// Below this many multiply-adds (or element updates) a fork costs more than it saves.
inline constexpr std::size_t min_parallel_work = std::size_t{1} << 15;

// fn(begin, end) over `threads` parts of [0, n); `work` estimates the total cost.
// Part boundaries are multiples of `align` (SIMD widths) except the last.
template <class F>
void parallel_for(int threads, std::size_t n, std::size_t work, F&& fn, std::size_t align = 1) {
  const std::size_t chunks = (n + align - 1) / align;
  const auto parts = static_cast<long>(std::min<std::size_t>(static_cast<std::size_t>(threads), chunks));
  if (parts <= 1 || work < min_parallel_work) {
    if (n > 0) fn(std::size_t{0}, n);
    return;
  }
  const auto part = [&](long p) {
    const std::size_t begin =
        std::min(n, chunks * static_cast<std::size_t>(p) / static_cast<std::size_t>(parts) * align);
    const std::size_t end =
        std::min(n, chunks * static_cast<std::size_t>(p + 1) / static_cast<std::size_t>(parts) * align);
    if (begin < end) fn(begin, end);
  };
#if defined(_OPENMP)
#pragma omp parallel for schedule(static, 1) num_threads(parts)
  for (long p = 0; p < parts; ++p) part(p);
#elif defined(AEREC_THREAD_POOL)
  run_parts(static_cast<int>(parts), [&](int p) { part(p); });
#else
  for (long p = 0; p < parts; ++p) part(p);
#endif
}

}  // namespace aerec::cpu
