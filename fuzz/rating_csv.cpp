// libFuzzer target: ml-latest's ratings.csv (a header, then user, movie, rating, timestamp).
#include "rating_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return aerec::fuzz::fuzz_ratings(aerec::fuzz::as_text(data, size),
                                   aerec::default_format(aerec::rating_format::csv));
}
