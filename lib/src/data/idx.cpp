#include "aerec/data/idx.h"

#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <limits>
#include <memory>
#include <string>
#include <string_view>

#include "aerec/core/error.h"
#include "aerec/io/file_io.h"

namespace aerec {

namespace {

// Values are indexed with int: a bound far above any image set, and the
// limit that turns a corrupt header or a gzip bomb into an error.
constexpr std::int64_t max_values = std::numeric_limits<int>::max();
constexpr std::uint8_t unsigned_byte_type = 0x08;

error parse_failure(const std::filesystem::path& path, const std::string& reason) {
  return error(error_code::parse_error, path.string() + ": " + reason);
}

std::uint8_t byte_at(std::string_view bytes, std::size_t i) { return static_cast<std::uint8_t>(bytes[i]); }

bool is_gzip(std::string_view bytes) {
  return bytes.size() >= 2 && byte_at(bytes, 0) == 0x1F && byte_at(bytes, 1) == 0x8B;
}

std::string hex_byte(std::uint8_t value) {
  char text[8];
  std::snprintf(text, sizeof text, "0x%02X", value);
  return text;
}

// IDX's type codes, so that a refused type is named.
std::string type_name(std::uint8_t type) {
  switch (type) {
    case 0x08:
      return "unsigned byte (0x08)";
    case 0x09:
      return "signed byte (0x09)";
    case 0x0B:
      return "16-bit integer (0x0B)";
    case 0x0C:
      return "32-bit integer (0x0C)";
    case 0x0D:
      return "32-bit float (0x0D)";
    case 0x0E:
      return "64-bit float (0x0E)";
  }
  return "unknown type " + hex_byte(type);
}

// What `gz` inflates to: each gzip member in turn (as gunzip reads
// concatenated ones), refusing more than `limit` bytes.
std::string gunzip(const std::filesystem::path& path, std::string_view gz, std::size_t limit) {
  z_stream z{};
  if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
    throw error(error_code::internal, "zlib: inflateInit2 failed");
  const std::unique_ptr<z_stream, int (*)(z_stream*)> end(&z, inflateEnd);
  // zlib counts in uInt: a larger file is fed in pieces.
  constexpr std::size_t piece = std::size_t{1} << 20;
  std::size_t fed = 0;
  std::string out;
  for (;;) {
    if (z.avail_in == 0 && fed < gz.size()) {
      const std::size_t n = std::min(piece, gz.size() - fed);
      z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data() + fed));
      z.avail_in = static_cast<uInt>(n);
      fed += n;
    }
    const std::size_t before = out.size();
    out.resize(before + piece);
    z.next_out = reinterpret_cast<Bytef*>(out.data() + before);
    z.avail_out = static_cast<uInt>(piece);
    const int status = inflate(&z, Z_NO_FLUSH);
    out.resize(before + piece - z.avail_out);
    if (out.size() > limit)
      throw parse_failure(path, "the gzip stream inflates to more than " + std::to_string(limit) +
                                    " bytes, more than an IDX file can hold");
    if (status == Z_STREAM_END) {
      const std::string_view rest = gz.substr(fed - z.avail_in);
      if (rest.empty()) return out;
      if (!is_gzip(rest))
        throw parse_failure(path, std::to_string(rest.size()) + " trailing bytes after the gzip stream");
      inflateReset(&z);
    } else if (status == Z_BUF_ERROR) {
      throw parse_failure(path, "truncated gzip stream");
    } else if (status != Z_OK) {
      throw parse_failure(path,
                          std::string("corrupt gzip stream (zlib: ") + (z.msg ? z.msg : "no reason") + ")");
    }
  }
}

template <class Int>
std::string describe(const std::vector<Int>& dims) {
  std::string text;
  for (const Int d : dims) text += (text.empty() ? "" : " x ") + std::to_string(d);
  return text;
}

std::uint32_t big_endian_u32(std::string_view bytes, std::size_t at) {
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < 4; ++i) value = value << 8 | byte_at(bytes, at + i);
  return value;
}

// The dimensions of the header that `bytes` start with, checked.
std::vector<int> read_header(const std::filesystem::path& path, std::string_view bytes) {
  if (bytes.size() < 4)
    throw parse_failure(path,
                        "truncated: " + std::to_string(bytes.size()) + " bytes, shorter than an IDX header");
  if (byte_at(bytes, 0) != 0 || byte_at(bytes, 1) != 0)
    throw parse_failure(path, "not an IDX file: it starts with " + hex_byte(byte_at(bytes, 0)) + " " +
                                  hex_byte(byte_at(bytes, 1)) +
                                  ", not two zero bytes (nor gzip's 0x1F 0x8B)");
  if (const std::uint8_t type = byte_at(bytes, 2); type != unsigned_byte_type)
    throw parse_failure(path, "IDX values of type " + type_name(type) + " are not supported, only " +
                                  type_name(unsigned_byte_type));
  const std::size_t rank = byte_at(bytes, 3);
  if (rank == 0) throw parse_failure(path, "an IDX header of rank 0 (no dimensions)");
  if (bytes.size() < 4 + 4 * rank)
    throw parse_failure(path, "truncated: its header of rank " + std::to_string(rank) + " needs " +
                                  std::to_string(4 + 4 * rank) + " bytes");
  std::vector<std::uint32_t> sizes;
  std::int64_t values = 1;  // capped at max_values + 1, so that the product stays in 64 bits
  for (std::size_t i = 0; i < rank; ++i) {
    sizes.push_back(big_endian_u32(bytes, 4 + 4 * i));
    values = std::min<std::int64_t>(values * sizes.back(), max_values + 1);
  }
  if (values == 0) throw parse_failure(path, "a dimension of 0 in " + describe(sizes));
  if (values > max_values)
    throw parse_failure(path, "absurd dimensions " + describe(sizes) + ": more than " +
                                  std::to_string(max_values) + " values");
  return {sizes.begin(), sizes.end()};
}

}  // namespace

idx_array read_idx(const std::filesystem::path& path) { return parse_idx(read_file(path), path); }

idx_array parse_idx(std::string bytes, const std::filesystem::path& path) {
  const std::size_t header_limit = 4 + 4 * 255;
  if (is_gzip(bytes)) bytes = gunzip(path, bytes, header_limit + max_values + 1);
  idx_array a;
  a.dims = read_header(path, bytes);
  const std::size_t header = 4 + 4 * a.dims.size();
  std::size_t expected = 1;
  for (const int d : a.dims) expected *= static_cast<std::size_t>(d);
  const std::size_t data = bytes.size() - header;
  const std::string call_for =
      std::to_string(expected) + " bytes of values that the dimensions " + describe(a.dims) + " call for";
  if (data < expected)
    throw parse_failure(path, "truncated: " + std::to_string(data) + " of the " + call_for);
  if (data > expected)
    throw parse_failure(path, std::to_string(data - expected) + " trailing bytes after the " + call_for);
  a.values.assign(bytes.begin() + static_cast<std::ptrdiff_t>(header), bytes.end());
  return a;
}

}  // namespace aerec
