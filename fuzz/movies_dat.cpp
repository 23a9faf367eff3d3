// libFuzzer target: ML-1M's movies.dat ("id::title::Genre|Genre", latin-1 or UTF-8).
#include "movies_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return aerec::fuzz::fuzz_movies(aerec::fuzz::as_text(data, size), aerec::movie_format::dat);
}
