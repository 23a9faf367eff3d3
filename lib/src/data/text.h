#pragma once
// Small, strict text helpers for the readers (internal).
#include <cstdint>
#include <filesystem>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aerec/core/error.h"

namespace aerec::text {

// The parse_error "path:line: reason".
error line_error(const std::filesystem::path& path, std::int64_t line, const std::string& reason);
// `field` in single quotes, for messages.
std::string quoted(std::string_view field);

// Calls f(line, line_number) for each line, without its "\n" or "\r\n".
template <class F>
void for_each_line(std::string_view bytes, F&& f) {
  std::int64_t number = 0;
  while (!bytes.empty()) {
    const std::size_t end = bytes.find('\n');
    std::string_view line = bytes.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    f(line, ++number);
    if (end == std::string_view::npos) break;
    bytes.remove_prefix(end + 1);
  }
}

std::vector<std::string_view> split(std::string_view line, char delimiter);
std::vector<std::string_view> split(std::string_view line, std::string_view delimiter);

// The number parsers are inline: the rating reader calls them for every field
// of millions of lines.

// 1 to `max_digits` decimal digits (at most 18), nothing else.
inline std::optional<std::int64_t> parse_digits(std::string_view field, std::size_t max_digits) {
  if (field.empty() || field.size() > max_digits) return std::nullopt;
  std::int64_t value = 0;
  for (const char c : field) {
    const unsigned digit = static_cast<unsigned>(static_cast<unsigned char>(c)) - unsigned{'0'};
    if (digit > 9) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

// A non-negative decimal integer that fits the type, nothing else.
inline std::optional<std::int64_t> parse_count(std::string_view field) { return parse_digits(field, 18); }
inline std::optional<std::int32_t> parse_id(std::string_view field) {
  const auto value = parse_digits(field, 10);
  if (!value || *value > std::numeric_limits<std::int32_t>::max()) return std::nullopt;
  return static_cast<std::int32_t>(*value);
}

// A plain decimal number: 1 to 9 digits with an optional fraction of 1 to 9
// digits ("4", "3.5"); no sign, exponent or spaces.
inline std::optional<float> parse_decimal(std::string_view field) {
  const std::size_t dot = field.find('.');
  const auto whole = parse_digits(field.substr(0, dot), 9);
  if (!whole) return std::nullopt;
  if (dot == std::string_view::npos) return static_cast<float>(*whole);
  const std::string_view digits = field.substr(dot + 1);
  const auto fraction = parse_digits(digits, 9);
  if (!fraction) return std::nullopt;
  constexpr double powers[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
  return static_cast<float>(static_cast<double>(*whole) +
                            static_cast<double>(*fraction) / powers[digits.size()]);
}

std::string latin1_to_utf8(std::string_view latin1);
// Well-formed UTF-8: no overlong forms, surrogates or code points past U+10FFFF.
bool is_utf8(std::string_view bytes);
// `bytes` in UTF-8: as they are when they are valid UTF-8, else read as latin-1
// (MovieLens's older files are latin-1, its CSV files UTF-8).
std::string to_utf8(std::string_view bytes);
// `bytes` without a leading UTF-8 byte-order mark.
std::string_view strip_bom(std::string_view bytes);

}  // namespace aerec::text
