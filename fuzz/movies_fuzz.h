#pragma once
// The movie readers' targets (movies_*.cpp): an input is a whole movie file,
// read by parse_movies, the path-free core of read_movies.
#include <cstdio>
#include <string>
#include <vector>

#include "aerec/data/movies.h"
#include "data/text.h"
#include "fuzz_target.h"

namespace aerec::fuzz {

// Whatever the file's encoding, what is read is UTF-8 (movies.h).
inline int fuzz_movies(std::string_view bytes, movie_format format, std::string_view u_genre = {}) {
  std::vector<movie> movies;
  if (!accepted([&] { movies = parse_movies(bytes, format, "movies", u_genre); })) return 0;
  for (const movie& m : movies) {
    check(m.id >= 0, "negative movie id");
    check(text::is_utf8(m.title), "a title that is not UTF-8");
    check(m.year >= 0 && m.year <= 9999, "a year of more than 4 digits");
    char year[8];
    std::snprintf(year, sizeof year, "(%04d)", m.year);
    check(m.year == 0 || m.title.find(year) != std::string::npos, "a year not in the title");
    for (const std::string& g : m.genres)
      check(text::is_utf8(g) && !g.empty(), "an empty or non-UTF-8 genre");
  }
  return 0;
}

}  // namespace aerec::fuzz
