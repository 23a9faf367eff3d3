#include "aerec/core/shortest_decimal.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace aerec {

// printf at rising precision, not std::to_chars: Emscripten's libc++ has no
// floating-point to_chars, and the wasm module links this.
double shortest_decimal(float value) {
  if (!std::isfinite(value)) return value;
  char text[32];
  for (int digits = 1;; ++digits) {
    std::snprintf(text, sizeof text, "%.*g", digits, static_cast<double>(value));
    if (std::strtof(text, nullptr) == value || digits >= 9) return std::strtod(text, nullptr);
  }
}

}  // namespace aerec
