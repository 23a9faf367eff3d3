#pragma once
// The rating readers' targets (rating_*.cpp): an input is a whole rating
// file, read by parse_ratings, the path-free core of read_ratings.
#include <algorithm>
#include <cmath>
#include <optional>
#include <string>

#include "aerec/data/rating_reader.h"
#include "fuzz_target.h"

namespace aerec::fuzz {

struct rating_outcome {
  std::optional<rating_table> table;
  std::string refusal;  // the error's message when refused
};

inline rating_outcome read_as(std::string_view bytes, const format_spec& format, std::size_t block_size) {
  rating_outcome out;
  try {
    out.table = parse_ratings(bytes, "ratings", format, block_size);
  } catch (const error& e) {
    if (e.code() == error_code::internal) finding("internal error:", e.what());
    out.refusal = e.what();
  }
  return out;
}

// Reads `bytes` whole and again a few bytes at a time without timestamps:
// block boundaries must change nothing, not even an error's line, and what
// is read must be within the format's bounds.
inline int fuzz_ratings(std::string_view bytes, format_spec format) {
  format.keep_timestamps = true;
  const rating_outcome whole = read_as(bytes, format, bytes.size() + 1);
  format.keep_timestamps = false;
  const rating_outcome pieces = read_as(bytes, format, 1 + bytes.size() % 13);
  check(whole.table.has_value() == pieces.table.has_value(), "block size changes acceptance");
  if (!whole.table) {
    check(whole.refusal == pieces.refusal, "block size changes the error");
    return 0;
  }
  const rating_table& t = *whole.table;
  const rating_table& p = *pieces.table;
  check(t.size() > 0, "no ratings accepted");
  check(t.users.size() == t.size() && t.items.size() == t.size(), "columns of different lengths");
  check(t.users == p.users && t.items == p.items && t.values == p.values, "block size changes ratings");
  check(t.timestamps.empty() || t.timestamps.size() == t.size(), "some ratings without a timestamp");
  check(p.timestamps.empty(), "timestamps kept when not asked for");
  check(t.times.has_value() == t.has_timestamps(), "a span without timestamps, or none with them");
  if (t.times) {
    const auto [first, last] = std::minmax_element(t.timestamps.begin(), t.timestamps.end());
    check(t.times->first == *first && t.times->last == *last, "the span is not the timestamps'");
    check(p.times && p.times->first == *first && p.times->last == *last, "the span depends on keeping them");
  }
  check(t.line_marks == p.line_marks, "block size changes line numbers");
  const auto lines = static_cast<std::int64_t>(std::count(bytes.begin(), bytes.end(), '\n')) + 1;
  std::int64_t previous = 0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    check(t.users[i] >= 0 && t.items[i] >= 0, "negative id");
    check(std::isfinite(t.values[i]) && t.values[i] >= format.valid.min && t.values[i] <= format.valid.max,
          "rating outside the scale");
    if (!t.timestamps.empty()) check(t.timestamps[i] >= 0, "negative timestamp");
    const std::int64_t line = t.line(i);
    check(line > previous && line <= lines, "line numbers out of order or past the end");
    previous = line;
  }
  return 0;
}

}  // namespace aerec::fuzz
