#include "io/record.h"

#include <utility>

namespace aerec {

namespace {

enum field_type : std::uint8_t { integer_field = 1, real_field = 2, text_field = 3, shape_field_type = 4 };

const char* type_name(std::uint8_t type) {
  switch (type) {
    case integer_field:
      return "an integer";
    case real_field:
      return "a number";
    case text_field:
      return "text";
    case shape_field_type:
      return "a shape";
    default:
      return "of an unknown type";
  }
}

// The value's bytes of a field of `type` at the front of `r`.
std::string_view value_of(binary_reader& r, std::uint8_t type) {
  switch (type) {
    case integer_field:
    case real_field:
      return r.take(8);
    case text_field: {
      const std::string_view head = r.take(4);
      std::uint32_t length = 0;
      std::memcpy(&length, head.data(), 4);
      return std::string_view(head.data(), 4 + r.take(length).size());
    }
    case shape_field_type: {
      const std::string_view head = r.take(2);
      const auto rank = static_cast<std::uint8_t>(head[1]);
      return std::string_view(head.data(), 2 + r.take(std::size_t{8} * rank).size());
    }
    default:
      r.fail("a field of unknown type " + std::to_string(type));
  }
}

}  // namespace

void record_writer::field(std::uint8_t type, std::string_view name) {
  AEREC_ASSERT(!name.empty() && name.size() < 256);
  out_.put(type);
  out_.put(static_cast<std::uint8_t>(name.size()));
  out_.put_bytes(name);
}

record_writer& record_writer::integer(std::string_view name, std::int64_t value) {
  field(integer_field, name);
  out_.put(value);
  return *this;
}

record_writer& record_writer::real(std::string_view name, double value) {
  field(real_field, name);
  out_.put(value);
  return *this;
}

record_writer& record_writer::text(std::string_view name, std::string_view value) {
  field(text_field, name);
  out_.put(static_cast<std::uint32_t>(value.size()));
  out_.put_bytes(value);
  return *this;
}

record_writer& record_writer::shape_field(std::string_view name, const shape& value) {
  field(shape_field_type, name);
  out_.put(static_cast<std::uint8_t>(value.kind()));
  out_.put(static_cast<std::uint8_t>(value.rank()));
  for (int i = 0; i < value.rank(); ++i) out_.put(static_cast<std::int64_t>(value.dim(i)));
  return *this;
}

record_reader::record_reader(std::string_view bytes, std::string where) : where_(std::move(where)) {
  binary_reader r(bytes, where_);
  while (!r.empty()) {
    const auto type = r.get<std::uint8_t>();
    const std::string name(r.take(r.get<std::uint8_t>()));
    const std::string_view value = value_of(r, type);
    if (!fields_.emplace(name, field{type, value}).second) fail("the field " + name + " appears twice");
  }
}

void record_reader::fail(const std::string& reason) const {
  throw error(error_code::model_format, where_ + ": " + reason);
}

binary_reader record_reader::take(std::string_view name, std::uint8_t type) {
  const auto it = fields_.find(name);
  if (it == fields_.end()) fail("no field " + std::string(name));
  if (it->second.type != type)
    fail("the field " + std::string(name) + " is " + type_name(it->second.type) + ", not " + type_name(type));
  it->second.read = true;
  return binary_reader(it->second.value, where_ + ": field " + std::string(name));
}

std::int64_t record_reader::integer(std::string_view name, std::int64_t min, std::int64_t max) {
  const auto value = take(name, integer_field).get<std::int64_t>();
  if (value < min || value > max)
    fail("implausible " + std::string(name) + " " + std::to_string(value) + " (expected " +
         std::to_string(min) + ".." + std::to_string(max) + ")");
  return value;
}

double record_reader::real(std::string_view name) { return take(name, real_field).get<double>(); }

std::string record_reader::text(std::string_view name) {
  binary_reader r = take(name, text_field);
  return std::string(r.take(r.get<std::uint32_t>()));
}

shape record_reader::shape_field(std::string_view name, std::int64_t max_dim) {
  binary_reader r = take(name, shape_field_type);
  const auto kind = r.get<std::uint8_t>();
  const auto rank = r.get<std::uint8_t>();
  std::int64_t d[3] = {1, 1, 1};
  const auto dims = [&](int expected) {
    if (rank != expected)
      fail("the shape " + std::string(name) + " has " + std::to_string(rank) + " dimensions");
    for (int i = 0; i < rank; ++i) {
      d[i] = r.get<std::int64_t>();
      if (d[i] < 1 || d[i] > max_dim)
        fail("implausible width " + std::to_string(d[i]) + " in the shape " + std::string(name));
    }
  };
  const auto i = [&](int k) { return static_cast<int>(d[k]); };
  switch (static_cast<shape_kind>(kind)) {
    case shape_kind::features:
      dims(1);
      return shape::features(i(0));
    case shape_kind::sequence:
      dims(2);
      return shape::sequence(i(0), i(1));
    case shape_kind::image:
      dims(3);
      return shape::image(i(0), i(1), i(2));
  }
  fail("the shape " + std::string(name) + " is of unknown kind " + std::to_string(kind));
}

void record_reader::finish() const {
  for (const auto& [name, f] : fields_)
    if (!f.read) fail("unknown field " + name + " (written by a later aerec?)");
}

}  // namespace aerec
