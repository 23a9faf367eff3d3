#pragma once
// Records of named, typed fields: how a version-2 model file stores each
// layer, the global kernel and what the model means (internal). A reader can
// then name a missing, mistyped or unknown field, and a later version can add
// fields that an older reader refuses clearly instead of misreading.
//
//   per field: u8 type, u8 name length, name (ASCII), value
//   types:     1 integer  i64
//              2 real     f64
//              3 text     u32 length, UTF-8
//              4 shape    u8 shape_kind, u8 rank, rank x i64 dimensions
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "aerec/core/shape.h"
#include "io/binary_io.h"

namespace aerec {

class record_writer {
 public:
  record_writer& integer(std::string_view name, std::int64_t value);
  record_writer& real(std::string_view name, double value);
  record_writer& text(std::string_view name, std::string_view value);
  record_writer& shape_field(std::string_view name, const shape& value);
  std::string& bytes() { return out_.bytes(); }

 private:
  void field(std::uint8_t type, std::string_view name);
  binary_writer out_;
};

class record_reader {
 public:
  // Reads every field of `bytes` (a model_format error, prefixed with
  // `where`, for damage or a name given twice).
  record_reader(std::string_view bytes, std::string where);

  // The field `name` of that type; a model_format error when it is absent,
  // of another type or out of range.
  std::int64_t integer(std::string_view name, std::int64_t min, std::int64_t max);
  double real(std::string_view name);
  std::string text(std::string_view name);
  // Each dimension in 1..max_dim.
  shape shape_field(std::string_view name, std::int64_t max_dim);
  // Fails naming the first field nothing asked for: a later aerec's, which this one cannot honour.
  void finish() const;
  [[noreturn]] void fail(const std::string& reason) const;

 private:
  struct field {
    std::uint8_t type;
    std::string_view value;
    bool read = false;
  };
  binary_reader take(std::string_view name, std::uint8_t type);

  std::string where_;
  std::map<std::string, field, std::less<>> fields_;
};

}  // namespace aerec
