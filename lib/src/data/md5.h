#pragma once
// MD5 (RFC 1321), for checking downloads against the checksums GroupLens
// publishes; not for anything that needs a secure hash (internal).
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace aerec {

class md5 {
 public:
  void update(const void* data, std::size_t size);
  // Lower-case hex of the digest; the object is spent afterwards.
  std::string hex_digest();

 private:
  void transform(const unsigned char* block);

  std::array<std::uint32_t, 4> state_{0x67452301u, 0xefcdab89u, 0x98badcfeu, 0x10325476u};
  std::uint64_t length_ = 0;  // bytes so far
  std::array<unsigned char, 64> buffer_{};
};

}  // namespace aerec
