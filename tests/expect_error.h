#pragma once
// Captures the aerec::error a call throws, so tests can check its code and message.
#include <optional>
#include <string>

#include "aerec/core/error.h"

namespace aerec::testing {

template <class F>
std::optional<error> error_from(F&& f) {
  try {
    f();
  } catch (const error& e) {
    return e;
  }
  return std::nullopt;
}

inline std::string code_name(const error& e) { return error_code_name(e.code()); }

}  // namespace aerec::testing
