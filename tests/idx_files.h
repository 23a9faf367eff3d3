#pragma once
// IDX fixtures for the image-data tests: headers and values as bytes, gzip-compressed when asked.
#include <zlib.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <vector>

namespace aerec::testing {

// An IDX file of `type` with `dims` (big-endian) and `values` after its header.
inline std::string idx_bytes(std::uint8_t type, const std::vector<std::uint32_t>& dims,
                             const std::string& values) {
  std::string bytes{'\0', '\0', static_cast<char>(type), static_cast<char>(dims.size())};
  for (const std::uint32_t d : dims)
    for (const int shift : {24, 16, 8, 0}) bytes += static_cast<char>(d >> shift & 0xFF);
  return bytes + values;
}

// Unsigned bytes: `dims` and values 0, 1, 2, ... (mod 256), as many as the dims call for.
inline std::string idx_counting(const std::vector<std::uint32_t>& dims) {
  std::size_t n = 1;
  for (const std::uint32_t d : dims) n *= d;
  std::string values;
  for (std::size_t i = 0; i < n; ++i) values += static_cast<char>(i & 0xFF);
  return idx_bytes(0x08, dims, values);
}

// `bytes` as one gzip member.
inline std::string gzip(const std::string& bytes) {
  z_stream z{};
  REQUIRE(deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&z, static_cast<uLong>(bytes.size())), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  z.avail_in = static_cast<uInt>(bytes.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

}  // namespace aerec::testing
