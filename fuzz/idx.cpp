// libFuzzer target: IDX files (data/idx.h), plain or gzip-compressed. Its
// mutator also mutates a gzip input's inflated bytes and compresses them
// again, and sometimes compresses a plain input: a mutated gzip stream
// alone almost never passes its CRC, and the IDX header behind it is what
// needs reaching.
#include "aerec/data/idx.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <string>

#include "fuzz_target.h"

extern "C" std::size_t LLVMFuzzerMutate(std::uint8_t* data, std::size_t size, std::size_t max_size);

namespace {

bool is_gzip(const std::uint8_t* data, std::size_t size) {
  return size >= 2 && data[0] == 0x1F && data[1] == 0x8B;
}

std::string gzip(const std::string& bytes) {
  z_stream z{};
  if (deflateInit2(&z, Z_BEST_SPEED, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) return {};
  std::string out(deflateBound(&z, static_cast<uLong>(bytes.size())), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  z.avail_in = static_cast<uInt>(bytes.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const bool done = deflate(&z, Z_FINISH) == Z_STREAM_END;
  out.resize(z.total_out);
  deflateEnd(&z);
  return done ? out : std::string();
}

// The first gzip member's bytes, when it is whole and inflates to at most `limit`.
std::optional<std::string> gunzip(const std::uint8_t* data, std::size_t size, std::size_t limit) {
  z_stream z{};
  if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) return std::nullopt;
  std::string out(limit, '\0');
  z.next_in = const_cast<Bytef*>(data);
  z.avail_in = static_cast<uInt>(size);
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const bool done = inflate(&z, Z_FINISH) == Z_STREAM_END;
  out.resize(z.total_out);
  inflateEnd(&z);
  if (!done) return std::nullopt;
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace aerec::fuzz;
  aerec::idx_array a;
  if (!accepted([&] { a = aerec::parse_idx(std::string(as_text(data, size)), "images-idx3-ubyte"); }))
    return 0;
  check(!a.dims.empty() && a.dims.size() <= 255, "a rank outside 1..255");
  std::size_t values = 1;
  for (const int d : a.dims) {
    check(d > 0, "a dimension that is not positive");
    values *= static_cast<std::size_t>(d);
  }
  check(values == a.values.size(), "as many values as the dimensions call for");
  return 0;
}

extern "C" std::size_t LLVMFuzzerCustomMutator(std::uint8_t* data, std::size_t size, std::size_t max_size,
                                               unsigned int seed) {
  if (is_gzip(data, size) && seed % 2 == 0) {
    if (std::optional<std::string> plain = gunzip(data, size, 4 * max_size)) {
      const std::size_t plain_size = plain->size();
      plain->resize(std::max<std::size_t>(2 * plain_size, 64));
      plain->resize(
          LLVMFuzzerMutate(reinterpret_cast<std::uint8_t*>(plain->data()), plain_size, plain->size()));
      const std::string packed = gzip(*plain);
      if (!packed.empty() && packed.size() <= max_size) {
        std::memcpy(data, packed.data(), packed.size());
        return packed.size();
      }
    }
  }
  size = LLVMFuzzerMutate(data, size, max_size);
  if (!is_gzip(data, size) && seed % 8 == 1) {
    const std::string packed = gzip(std::string(aerec::fuzz::as_text(data, size)));
    if (!packed.empty() && packed.size() <= max_size) {
      std::memcpy(data, packed.data(), packed.size());
      return packed.size();
    }
  }
  return size;
}
