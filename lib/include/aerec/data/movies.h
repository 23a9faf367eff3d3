#pragma once
// Movie titles, years and genres from u.item (+ u.genre), movies.dat or
// movies.csv. Text is returned in UTF-8 whatever the file's encoding: a file
// that is valid UTF-8 is taken as such, any other as latin-1.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
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

enum class movie_format { u_item, dat, csv };
// The format read_movies takes `path` to be in, by its name; throws
// error_code::invalid_argument for a name it does not know.
movie_format movie_format_of(const std::filesystem::path& path);
// The movies in a file's bytes, as read_movies reads them; `source` stands
// for the path in messages. u.item's genre names are in `u_genre`, the bytes
// of the u.genre beside it (named source's folder / "u.genre").
std::vector<movie> parse_movies(std::string_view bytes, movie_format format,
                                const std::filesystem::path& source, std::string_view u_genre = {});

}  // namespace aerec
