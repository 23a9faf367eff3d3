// libFuzzer target: delimited rating files whose header names the columns
// (--format delimited, --delimiter, --columns), under a few such formats: a
// one-byte delimiter with other column names, and longer delimiters.
#include "rating_fuzz.h"

namespace aerec::fuzz {
namespace {

format_spec delimited(std::string delimiter) {
  format_spec f = default_format(rating_format::delimited);
  f.delimiter = std::move(delimiter);
  return f;
}

}  // namespace
}  // namespace aerec::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace aerec::fuzz;
  const std::string_view bytes = as_text(data, size);
  aerec::format_spec named = delimited(";");
  named.user_column = "user";
  named.item_column = "item";
  named.rating_column = "stars";
  named.timestamp_column = "when";
  fuzz_ratings(bytes, named);
  fuzz_ratings(bytes, delimited("::"));
  return fuzz_ratings(bytes, delimited(" | "));
}
