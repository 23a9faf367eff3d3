#include "text.h"

#include <limits>

namespace aerec::text {

std::vector<std::string_view> split(std::string_view line, char delimiter) {
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = line.find(delimiter, start);
    fields.push_back(line.substr(start, end - start));
    if (end == std::string_view::npos) return fields;
    start = end + 1;
  }
}

std::optional<std::int64_t> parse_count(std::string_view field) {
  if (field.empty() || field.size() > 18) return std::nullopt;
  std::int64_t value = 0;
  for (const char c : field) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

std::optional<std::int32_t> parse_id(std::string_view field) {
  const auto value = parse_count(field);
  if (!value || *value > std::numeric_limits<std::int32_t>::max()) return std::nullopt;
  return static_cast<std::int32_t>(*value);
}

std::optional<float> parse_decimal(std::string_view field) {
  const std::size_t dot = field.find('.');
  const std::string_view whole = field.substr(0, dot);
  const std::string_view fraction =
      dot == std::string_view::npos ? std::string_view() : field.substr(dot + 1);
  if (dot != std::string_view::npos && fraction.empty()) return std::nullopt;
  if (whole.size() > 9 || fraction.size() > 9) return std::nullopt;
  const auto w = parse_count(whole);
  const auto f = fraction.empty() ? std::optional<std::int64_t>(0) : parse_count(fraction);
  if (!w || !f) return std::nullopt;
  double scale = 1;
  for (std::size_t i = 0; i < fraction.size(); ++i) scale *= 10;
  return static_cast<float>(static_cast<double>(*w) + static_cast<double>(*f) / scale);
}

std::string latin1_to_utf8(std::string_view latin1) {
  std::string out;
  out.reserve(latin1.size());
  for (const char ch : latin1) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x80) {
      out.push_back(ch);
    } else {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

}  // namespace aerec::text
