#pragma once
// One error mechanism for the whole library: exceptions of type aerec::error.
// Exceptions (not status codes) because failures arise deep inside parsers and
// loaders and are handled only at the edges: the CLI maps them to exit codes,
// the wasm bindings to a JavaScript AerecError with the same code.
#include <stdexcept>
#include <string>

namespace aerec {

enum class error_code {
  invalid_argument,  // a caller passed something unusable (unknown preset, bad flag value)
  parse_error,       // a malformed input file (rating file, ratings string)
  io_error,          // a file could not be opened, read or written
  model_format,      // a model file that is truncated, corrupted, foreign or unsupported
  unknown_id,        // a user or item id the data or model does not know
  device_error,      // no usable GPU, or a GPU call failed (the CUDA backend)
  internal,          // a broken invariant: a bug in aerec
};

// The stable name of a code ("parse_error", ...), used by the CLI and the JS API.
const char* error_code_name(error_code code);

class error : public std::runtime_error {
 public:
  error(error_code code, const std::string& message) : std::runtime_error(message), code_(code) {}
  error_code code() const { return code_; }

 private:
  error_code code_;
};

namespace detail {
[[noreturn]] void assert_failed(const char* condition, const char* file, int line);
}  // namespace detail

}  // namespace aerec

// Internal invariant: on failure throws error_code::internal naming file and line.
#define AEREC_ASSERT(condition) \
  ((condition) ? void(0) : ::aerec::detail::assert_failed(#condition, __FILE__, __LINE__))
