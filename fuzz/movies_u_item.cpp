// libFuzzer target: ML-100K's u.item with the u.genre beside it. An input
// is u.genre's bytes, a NUL byte, then u.item's; without a NUL, all of it
// is u.item and u.genre is ML-100K's list of genres.
#include "movies_fuzz.h"

namespace {
constexpr std::string_view movielens_genres =
    "unknown|0\nAction|1\nAdventure|2\nAnimation|3\nChildren's|4\nComedy|5\nCrime|6\nDocumentary|7\n"
    "Drama|8\nFantasy|9\nFilm-Noir|10\nHorror|11\nMusical|12\nMystery|13\nRomance|14\nSci-Fi|15\n"
    "Thriller|16\nWar|17\nWestern|18\n\n";
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input = aerec::fuzz::as_text(data, size);
  const std::size_t nul = input.find('\0');
  if (nul == std::string_view::npos)
    return aerec::fuzz::fuzz_movies(input, aerec::movie_format::u_item, movielens_genres);
  return aerec::fuzz::fuzz_movies(input.substr(nul + 1), aerec::movie_format::u_item, input.substr(0, nul));
}
