#pragma once
// Streaming readers for rating files: MovieLens's tab-separated u.data, its
// "::"-separated .dat files (with or without the timestamp field), its CSV
// files with a header line, and any delimited file whose header names the
// columns. Files are read in blocks, never whole, and parsed without
// per-line allocation so that ML-25M's 25M lines take seconds.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aerec/data/dataset.h"

namespace aerec {

enum class rating_format { tab, dat, csv, delimited };
const char* rating_format_name(rating_format f);
// "tab", "dat", "csv", "delimited"; throws error_code::invalid_argument listing them.
rating_format parse_rating_format(const std::string& name);

struct format_spec {
  rating_format kind = rating_format::tab;
  std::string delimiter = "\t";
  bool header = false;  // the first line names the columns
  // Header names of the columns (formats with a header). Headerless formats
  // take user, item, rating[, timestamp] in that order.
  std::string user_column = "userId";
  std::string item_column = "movieId";
  std::string rating_column = "rating";
  std::string timestamp_column = "timestamp";  // optional: absent from the header is fine
  rating_scale valid{1, 5};                    // a rating outside is an error naming file and line
  // Off: timestamps are still checked, and their span found, but not kept (a third of the memory).
  bool keep_timestamps = true;
};

// The MovieLens conventions of each format: tab is "\t" with 4 fields and
// ratings 1..5; dat is "::" with 3 or 4 fields (decided by the first line)
// and ratings 0.5..5 (ML-10M has half stars); csv and delimited are "," with
// a header "userId,movieId,rating,timestamp" and ratings 0.5..5.
format_spec default_format(rating_format kind);

// The earliest and the latest timestamp of a file.
struct time_span {
  std::int64_t first = 0, last = 0;
};

// Ratings in file order, column by column (about 20 bytes per rating).
struct rating_table {
  std::filesystem::path path;
  std::vector<std::int32_t> users;
  std::vector<std::int32_t> items;
  std::vector<float> values;
  std::vector<std::int64_t> timestamps;  // one per rating, or empty when the file has none
  std::optional<time_span> times;        // when the file has timestamps, kept or not
  // (rating index, its line) wherever the line stops being the previous
  // rating's line + 1 (the first rating, and after skipped blank lines).
  std::vector<std::pair<std::size_t, std::int64_t>> line_marks;

  std::size_t size() const { return values.size(); }
  bool has_timestamps() const { return !timestamps.empty(); }
  // The 1-based line of the file that rating `index` came from.
  std::int64_t line(std::size_t index) const;
};

// Reads every rating of `path`. Throws error_code::parse_error as
// "path:line: reason" for a wrong delimiter or field count, a non-numeric
// id, rating or timestamp, a rating outside format.valid, or a header that
// lacks a named column; "path: no ratings" for a file without any; and
// error_code::io_error when the file cannot be read. Accepts "\r\n" endings
// and skips blank lines. Duplicate pairs are found later, when the ratings
// become a matrix (see split.h).
rating_table read_ratings(const std::filesystem::path& path, const format_spec& format);
// The same, reading `block_size` bytes at a time (read_ratings uses 16 MiB);
// small blocks let tests split lines across block boundaries.
rating_table read_ratings(const std::filesystem::path& path, const format_spec& format,
                          std::size_t block_size);
// The same from a file's bytes in memory, read `block_size` bytes at a time
// as from a file; `source` stands for the path in messages and the table.
rating_table parse_ratings(std::string_view bytes, const std::filesystem::path& source,
                           const format_spec& format, std::size_t block_size);

}  // namespace aerec
