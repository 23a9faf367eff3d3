// libFuzzer target: MovieLens's tab-separated u.data.
#include "rating_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return aerec::fuzz::fuzz_ratings(aerec::fuzz::as_text(data, size),
                                   aerec::default_format(aerec::rating_format::tab));
}
