#include "aerec/core/shape.h"

#include <limits>

namespace aerec {

int shape::rank() const {
  switch (kind_) {
    case shape_kind::features:
      return 1;
    case shape_kind::sequence:
      return 2;
    case shape_kind::image:
      return 3;
  }
  return 1;
}

int shape::size() const {
  std::int64_t n = 1;
  for (int i = 0; i < rank(); ++i) {
    if (dim(i) <= 0) return 0;
    n *= dim(i);
    // An example this large is no real one: callers treat 0 as implausible.
    if (n > std::numeric_limits<int>::max()) return 0;
  }
  return static_cast<int>(n);
}

std::string shape::text() const {
  std::string out = std::to_string(dim(0));
  for (int i = 1; i < rank(); ++i) {
    out += 'x';
    out += std::to_string(dim(i));
  }
  if (kind_ == shape_kind::image) out += " (channels x height x width)";
  if (kind_ == shape_kind::sequence) out += " (steps x features)";
  return out;
}

}  // namespace aerec
