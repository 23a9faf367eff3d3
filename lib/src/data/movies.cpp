#include "aerec/data/movies.h"

#include <optional>

#include "aerec/core/error.h"
#include "aerec/io/file_io.h"
#include "data/text.h"

namespace aerec {

namespace {

namespace fs = std::filesystem;

// A file's text in UTF-8, without a byte-order mark; the encoding is decided
// for the whole file, since one line alone can pass for UTF-8 by chance.
std::string utf8_text(std::string_view bytes) { return text::to_utf8(text::strip_bom(bytes)); }

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The year of "Title (1995)", ignoring trailing spaces; 0 when there is none.
int year_of(std::string_view title) {
  while (!title.empty() && title.back() == ' ') title.remove_suffix(1);
  constexpr std::size_t size = 6;  // "(YYYY)"
  if (title.size() < size) return 0;
  const std::string_view tail = title.substr(title.size() - size);
  if (tail.front() != '(' || tail.back() != ')') return 0;
  int year = 0;
  for (const char c : tail.substr(1, 4)) {
    if (!is_digit(c)) return 0;
    year = year * 10 + (c - '0');
  }
  return year;
}

std::vector<std::string> split_genres(const fs::path& path, std::int64_t line, std::string_view field) {
  if (field.empty() || field == "(no genres listed)") return {};
  std::vector<std::string> genres;
  for (const std::string_view g : text::split(field, '|')) {
    // "Drama||War" would give a genre without a name (a page would show an empty one).
    if (g.empty())
      throw text::line_error(path, line, "genres " + text::quoted(field) + " name an empty genre");
    genres.emplace_back(g);
  }
  return genres;
}

movie make_movie(const fs::path& path, std::int64_t line, std::string_view id, std::string_view title,
                 std::vector<std::string> genres) {
  const auto movie_id = text::parse_id(id);
  if (!movie_id) throw text::line_error(path, line, "movie id " + text::quoted(id) + " is not a number");
  return {*movie_id, std::string(title), year_of(title), std::move(genres)};
}

std::string field_count_reason(std::size_t expected, std::string_view delimiter, std::size_t found) {
  return "expected " + std::to_string(expected) + " " + text::quoted(delimiter) +
         "-separated fields, found " + std::to_string(found);
}

// u.genre: "name|index" with indices 0, 1, 2, ... in order.
std::vector<std::string> read_u_genre(std::string_view bytes, const fs::path& path) {
  std::vector<std::string> names;
  text::for_each_line(utf8_text(bytes), [&](std::string_view line, std::int64_t number) {
    if (line.empty()) return;
    const auto fields = text::split(line, '|');
    if (fields.size() != 2 || fields[0].empty() || text::parse_count(fields[1]) != std::int64_t(names.size()))
      throw text::line_error(
          path, number,
          "expected 'name|" + std::to_string(names.size()) + "' (genres numbered from 0 in order)");
    names.emplace_back(fields[0]);
  });
  return names;
}

// u.item: "id|title|release date|video release date|IMDb URL|flag|flag|...",
// one 0/1 flag per genre of u.genre.
std::vector<movie> read_u_item(std::string_view bytes, const fs::path& path, std::string_view u_genre) {
  const std::vector<std::string> genre_names = read_u_genre(u_genre, path.parent_path() / "u.genre");
  const std::size_t expected = 5 + genre_names.size();
  std::vector<movie> movies;
  text::for_each_line(utf8_text(bytes), [&](std::string_view line, std::int64_t number) {
    if (line.empty()) return;
    const auto fields = text::split(line, '|');
    if (fields.size() != expected)
      throw text::line_error(path, number, field_count_reason(expected, "|", fields.size()));
    std::vector<std::string> genres;
    for (std::size_t g = 0; g < genre_names.size(); ++g) {
      const std::string_view flag = fields[5 + g];
      if (flag != "0" && flag != "1")
        throw text::line_error(
            path, number,
            "genre flag " + text::quoted(flag) + " for " + text::quoted(genre_names[g]) + " is not 0 or 1");
      if (flag == "1") genres.push_back(genre_names[g]);
    }
    movies.push_back(make_movie(path, number, fields[0], fields[1], std::move(genres)));
  });
  return movies;
}

// movies.dat: "id::title::Genre|Genre".
std::vector<movie> read_movies_dat(std::string_view bytes, const fs::path& path) {
  std::vector<movie> movies;
  text::for_each_line(utf8_text(bytes), [&](std::string_view line, std::int64_t number) {
    if (line.empty()) return;
    const auto fields = text::split(line, "::");
    if (fields.size() != 3) throw text::line_error(path, number, field_count_reason(3, "::", fields.size()));
    movies.push_back(make_movie(path, number, fields[0], fields[1], split_genres(path, number, fields[2])));
  });
  return movies;
}

// The fields of one CSV record (RFC 4180: a field in double quotes may hold
// commas, and "" inside it is a quote), or the reason it is malformed.
struct csv_record {
  std::vector<std::string> fields;
  std::string error;
};

csv_record split_csv(std::string_view line) {
  csv_record record;
  std::size_t pos = 0;
  while (true) {
    std::string field;
    if (pos < line.size() && line[pos] == '"') {
      ++pos;
      while (true) {
        const std::size_t quote = line.find('"', pos);
        if (quote == std::string_view::npos) return {{}, "a quoted field has no closing quote"};
        field.append(line.substr(pos, quote - pos));
        pos = quote + 1;
        if (pos < line.size() && line[pos] == '"') {  // "" is a quote
          field.push_back('"');
          ++pos;
        } else {
          break;
        }
      }
      if (pos < line.size() && line[pos] != ',') return {{}, "text after a quoted field's closing quote"};
    } else {
      const std::size_t end = std::min(line.find(',', pos), line.size());
      field.assign(line.substr(pos, end - pos));
      if (field.find('"') != std::string::npos)
        return {{}, "a quote inside a field that does not start with one"};
      pos = end;
    }
    record.fields.push_back(std::move(field));
    if (pos == line.size()) return record;
    ++pos;  // the comma
  }
}

// movies.csv: the header "movieId,title,genres", then one movie per record.
std::vector<movie> read_movies_csv(std::string_view bytes, const fs::path& path) {
  std::vector<movie> movies;
  bool header_seen = false;
  text::for_each_line(utf8_text(bytes), [&](std::string_view line, std::int64_t number) {
    if (line.empty()) return;
    if (!header_seen) {
      if (line != "movieId,title,genres")
        throw text::line_error(path, number,
                               "expected the header 'movieId,title,genres', found " + text::quoted(line));
      header_seen = true;
      return;
    }
    const csv_record record = split_csv(line);
    if (!record.error.empty()) throw text::line_error(path, number, record.error);
    if (record.fields.size() != 3)
      throw text::line_error(path, number, field_count_reason(3, ",", record.fields.size()));
    movies.push_back(make_movie(path, number, record.fields[0], record.fields[1],
                                split_genres(path, number, record.fields[2])));
  });
  return movies;
}

}  // namespace

movie_format movie_format_of(const fs::path& path) {
  if (path.filename() == "u.item") return movie_format::u_item;
  if (path.extension() == ".dat") return movie_format::dat;
  if (path.extension() == ".csv") return movie_format::csv;
  throw error(error_code::invalid_argument, path.string() +
                                                ": cannot tell the movie file's format from its name (known: "
                                                "u.item, movies.dat, movies.csv)");
}

std::vector<movie> parse_movies(std::string_view bytes, movie_format format, const fs::path& source,
                                std::string_view u_genre) {
  switch (format) {
    case movie_format::u_item:
      return read_u_item(bytes, source, u_genre);
    case movie_format::dat:
      return read_movies_dat(bytes, source);
    case movie_format::csv:
      return read_movies_csv(bytes, source);
  }
  AEREC_ASSERT(false && "unknown movie_format");
  return {};
}

std::vector<movie> read_movies(const fs::path& path) {
  const movie_format format = movie_format_of(path);
  const std::string u_genre = format == movie_format::u_item ? read_file(path.parent_path() / "u.genre") : "";
  return parse_movies(read_file(path), format, path, u_genre);
}

}  // namespace aerec
