#pragma once
// Small, strict text helpers for the readers (internal).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace aerec::text {

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

// A non-negative decimal integer that fits the type, nothing else.
std::optional<std::int32_t> parse_id(std::string_view field);
std::optional<std::int64_t> parse_count(std::string_view field);
// A plain decimal number: digits with an optional fraction ("4", "3.5").
std::optional<float> parse_decimal(std::string_view field);

std::string latin1_to_utf8(std::string_view latin1);

}  // namespace aerec::text
