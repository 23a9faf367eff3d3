#pragma once
// CRC-32 (IEEE 802.3, as zlib.crc32 computes it), for model file checksums.
#include <cstdint>
#include <string_view>

namespace aerec {
std::uint32_t crc32(std::string_view bytes);
}
