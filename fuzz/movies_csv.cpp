// libFuzzer target: ml-latest's movies.csv (a header, titles quoted as RFC 4180 quotes them).
#include "movies_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return aerec::fuzz::fuzz_movies(aerec::fuzz::as_text(data, size), aerec::movie_format::csv);
}
