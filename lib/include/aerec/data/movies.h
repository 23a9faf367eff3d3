#pragma once
// Movie titles, years and genres from u.item (+ u.genre), movies.dat or
// movies.csv. Text is returned in UTF-8 whatever the file's encoding: a file
// that is valid UTF-8 is taken as such, any other as latin-1.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace aerec {

struct movie {
  std::int32_t id;
  std::string title;                // UTF-8, as in the file ("Toy Story (1995)")
  int year;                         // from the "(YYYY)" at the end of the title; 0 when absent
  std::vector<std::string> genres;  // "Action", "Children's", ...; empty for "(no genres listed)"
};

// Chooses the reader from the file name: u.item (u.genre beside it),
// movies.dat ("id::title::Genre|Genre"), movies.csv ("movieId,title,genres"
// with a header, titles quoted when they hold commas). Throws
// error_code::io_error when the file is missing and parse_error as
// "path:line: reason" for a malformed line.
std::vector<movie> read_movies(const std::filesystem::path& path);

}  // namespace aerec
