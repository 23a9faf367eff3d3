#pragma once
// What every libFuzzer target shares. aerec::error is how the library refuses
// bad input: the outcome expected of a fuzzed input. Anything else is a
// finding: another exception, error_code::internal (a broken invariant), a
// failed property check, and what the sanitizers and libFuzzer report
// (crashes, undefined behaviour, leaks, timeouts, running out of memory).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "aerec/core/error.h"

namespace aerec::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Aborts, which libFuzzer reports as a crash with this input.
[[noreturn]] inline void finding(const char* what, const char* detail = "") {
  std::fprintf(stderr, "aerec fuzz finding: %s %s\n", what, detail);
  std::abort();
}

// A property that whatever the library accepted must have.
inline void check(bool ok, const char* property) {
  if (!ok) finding("property failed:", property);
}

// Runs `body`, taking aerec::error as the refusal of bad input; returns
// whether it ran to the end.
template <class F>
bool accepted(F&& body) {
  try {
    body();
    return true;
  } catch (const error& e) {
    if (e.code() == error_code::internal) finding("internal error:", e.what());
    return false;
  }
}

}  // namespace aerec::fuzz
