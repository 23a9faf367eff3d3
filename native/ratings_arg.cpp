#include "ratings_arg.h"

#include <charconv>
#include <string>

#include "aerec/core/error.h"

namespace aerec::cli {

namespace {

template <class T>
bool parse_whole(std::string_view text, T& value) {
  const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
  return result.ec == std::errc() && result.ptr == text.data() + text.size();
}

}  // namespace

std::vector<item_rating> parse_ratings(std::string_view text) {
  std::vector<item_rating> out;
  std::size_t position = 0;
  while (!text.empty()) {
    ++position;
    const std::size_t comma = text.find(',');
    const std::string_view pair = text.substr(0, comma);
    const std::size_t colon = pair.find(':');
    item_rating r{};
    if (colon == std::string_view::npos || !parse_whole(pair.substr(0, colon), r.item_id) ||
        !parse_whole(pair.substr(colon + 1), r.value))
      throw error(error_code::invalid_argument, "--ratings: item " + std::to_string(position) + " '" +
                                                    std::string(pair) + "' is not MOVIEID:RATING");
    out.push_back(r);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

}  // namespace aerec::cli
