#include "aerec/core/error.h"

namespace aerec {

const char* error_code_name(error_code code) {
  switch (code) {
    case error_code::invalid_argument:
      return "invalid_argument";
    case error_code::parse_error:
      return "parse_error";
    case error_code::io_error:
      return "io_error";
    case error_code::model_format:
      return "model_format";
    case error_code::unknown_id:
      return "unknown_id";
    case error_code::device_error:
      return "device_error";
    case error_code::internal:
      return "internal";
  }
  return "internal";
}

namespace detail {
void assert_failed(const char* condition, const char* file, int line) {
  throw error(error_code::internal,
              std::string(file) + ":" + std::to_string(line) + ": internal check failed: " + condition);
}
}  // namespace detail

}  // namespace aerec
