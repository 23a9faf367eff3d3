#include "plot/drawing.h"

#include <algorithm>

namespace aerec::plot {

namespace {

// The length of the UTF-8 sequence starting at s[i], or 0 when it is invalid
// (a stray continuation byte, a truncated or overlong sequence, a surrogate, past U+10FFFF).
std::size_t sequence_length(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char lead = byte(i);
  if (lead < 0x80) return 1;
  const std::size_t n = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC2 ? 2 : 0;
  if (n == 0 || lead > 0xF4 || i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k)
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  const unsigned char second = byte(i + 1);
  if (lead == 0xE0 && second < 0xA0) return 0;   // overlong
  if (lead == 0xED && second >= 0xA0) return 0;  // a surrogate
  if (lead == 0xF0 && second < 0x90) return 0;   // overlong
  if (lead == 0xF4 && second >= 0x90) return 0;  // past U+10FFFF
  return n;
}

}  // namespace

std::string clean_utf8(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  for (std::size_t i = 0; i < utf8.size();) {
    const std::size_t n = sequence_length(utf8, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
      continue;
    }
    const unsigned char c = static_cast<unsigned char>(utf8[i]);
    if (n > 1 || (c >= 0x20 && c != 0x7F)) out.append(utf8.substr(i, n));
    i += n;
  }
  return out;
}

double baseline_shift(baseline b, double size) {
  // DejaVu Sans' capitals are 0.73 em tall: "middle" centres them on the point.
  switch (b) {
    case baseline::alphabetic:
      return 0;
    case baseline::middle:
      return 0.36 * size;
    case baseline::hanging:
      return 0.76 * size;
  }
  return 0;
}

std::vector<double> dash_lengths(dash pattern, double width) {
  const double w = std::max(width, 1.0);
  switch (pattern) {
    case dash::solid:
      return {};
    case dash::dashed:
      return {4 * w, 2.5 * w};
    case dash::dotted:
      return {w, 1.8 * w};
  }
  return {};
}

}  // namespace aerec::plot
