#pragma once
// Looking up options by name, with one error format for every kind of name (internal).
#include <string>
#include <vector>

#include "aerec/core/error.h"

namespace aerec {

// The element of `all` called `name`; otherwise an invalid_argument error
// such as "unknown activation 'x' (known: identity, sigmoid, ...)".
template <class T, class NameOf>
const T& find_by_name(const char* what, const std::string& name, const std::vector<T>& all, NameOf name_of) {
  std::string known;
  for (const T& candidate : all) {
    if (name == name_of(candidate)) return candidate;
    known += (known.empty() ? "" : ", ") + std::string(name_of(candidate));
  }
  throw error(error_code::invalid_argument,
              std::string("unknown ") + what + " '" + name + "' (known: " + known + ")");
}

}  // namespace aerec
