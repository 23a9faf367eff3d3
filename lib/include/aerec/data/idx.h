#pragma once
// IDX files, the format of MNIST and Fashion-MNIST (LeCun's): a big-endian
// header (two zero bytes, a type byte, a rank byte, then one 32-bit size per
// dimension) and the values row by row. Only unsigned bytes (type 0x08), what
// image sets hold; gzip-compressed or plain, told by the first bytes, not the name.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace aerec {

struct idx_array {
  std::vector<int> dims;             // outermost first: count x height x width for images
  std::vector<std::uint8_t> values;  // row by row, the product of dims
};

// Throws error_code::io_error naming `path` when it cannot be read, and
// error_code::parse_error "path: reason" for anything that is not a whole IDX
// file of unsigned bytes: wrong magic, another type (named), rank 0, a zero
// or absurd dimension, fewer or more bytes than the dimensions call for, a
// truncated or corrupt gzip stream.
idx_array read_idx(const std::filesystem::path& path);
// The same from a file's bytes in memory; `source` stands for the path in messages.
idx_array parse_idx(std::string bytes, const std::filesystem::path& source);

}  // namespace aerec
