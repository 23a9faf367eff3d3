#include "data/text.h"

namespace aerec::text {

error line_error(const std::filesystem::path& path, std::int64_t line, const std::string& reason) {
  return error(error_code::parse_error, path.string() + ":" + std::to_string(line) + ": " + reason);
}

std::string quoted(std::string_view field) {
  // Appended piecewise: "'" + std::string(...) trips GCC 12's false -Wrestrict (bug 105329).
  std::string out(1, '\'');
  out.append(field);
  out.push_back('\'');
  return out;
}

std::vector<std::string_view> split(std::string_view line, std::string_view delimiter) {
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = line.find(delimiter, start);
    fields.push_back(line.substr(start, end - start));
    if (end == std::string_view::npos) return fields;
    start = end + delimiter.size();
  }
}

std::vector<std::string_view> split(std::string_view line, char delimiter) {
  return split(line, std::string_view(&delimiter, 1));
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

namespace {
// The length of the UTF-8 sequence that starts with `lead`, its payload bits
// and the smallest code point it may encode (anything smaller is overlong); 0
// for a byte that cannot start a sequence.
struct utf8_lead {
  std::size_t length;
  std::uint32_t bits;
  std::uint32_t min;
};

utf8_lead decode_lead(unsigned char lead) {
  if ((lead & 0xE0) == 0xC0) return {2, lead & 0x1Fu, 0x80};
  if ((lead & 0xF0) == 0xE0) return {3, lead & 0x0Fu, 0x800};
  if ((lead & 0xF8) == 0xF0) return {4, lead & 0x07u, 0x10000};
  return {0, 0, 0};
}
}  // namespace

bool is_utf8(std::string_view bytes) {
  std::size_t i = 0;
  while (i < bytes.size()) {
    const auto lead = static_cast<unsigned char>(bytes[i]);
    if (lead < 0x80) {
      ++i;
      continue;
    }
    const utf8_lead seq = decode_lead(lead);
    if (seq.length == 0 || bytes.size() - i < seq.length) return false;
    std::uint32_t code = seq.bits;
    for (std::size_t k = 1; k < seq.length; ++k) {
      const auto next = static_cast<unsigned char>(bytes[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      code = (code << 6) | (next & 0x3Fu);
    }
    if (code < seq.min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return false;
    i += seq.length;
  }
  return true;
}

std::string to_utf8(std::string_view bytes) {
  return is_utf8(bytes) ? std::string(bytes) : latin1_to_utf8(bytes);
}

std::string_view strip_bom(std::string_view bytes) {
  constexpr std::string_view bom = "\xEF\xBB\xBF";
  if (bytes.substr(0, bom.size()) == bom) bytes.remove_prefix(bom.size());
  return bytes;
}

}  // namespace aerec::text
