#include "aerec/data/rating_reader.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <sstream>
#include <system_error>

#include "aerec/core/error.h"
#include "data/text.h"

namespace aerec {

const char* rating_format_name(rating_format f) {
  switch (f) {
    case rating_format::tab:
      return "tab";
    case rating_format::dat:
      return "dat";
    case rating_format::csv:
      return "csv";
    case rating_format::delimited:
      return "delimited";
  }
  AEREC_ASSERT(false && "unknown rating_format");
  return "";
}

rating_format parse_rating_format(const std::string& name) {
  constexpr std::array all = {rating_format::tab, rating_format::dat, rating_format::csv,
                              rating_format::delimited};
  std::string known;
  for (const rating_format f : all) {
    if (name == rating_format_name(f)) return f;
    known += (known.empty() ? "" : ", ") + std::string(rating_format_name(f));
  }
  throw error(error_code::invalid_argument,
              "unknown rating format " + text::quoted(name) + " (known: " + known + ")");
}

format_spec default_format(rating_format kind) {
  format_spec f;  // its defaults are tab's
  f.kind = kind;
  if (kind == rating_format::tab) return f;
  f.delimiter = kind == rating_format::dat ? "::" : ",";
  f.header = kind != rating_format::dat;
  f.valid = {0.5f, 5};
  return f;
}

std::int64_t rating_table::line(std::size_t index) const {
  AEREC_ASSERT(index < size() && !line_marks.empty() && line_marks.front().first == 0);
  // The last mark at or before `index`; lines run on from it one per rating.
  const auto after = std::upper_bound(
      line_marks.begin(), line_marks.end(), index,
      [](std::size_t i, const std::pair<std::size_t, std::int64_t>& mark) { return i < mark.first; });
  const auto& mark = *std::prev(after);
  return mark.second + static_cast<std::int64_t>(index - mark.first);
}

namespace {

constexpr std::size_t default_block_size = std::size_t{16} << 20;

// What a column holds; also the index of its field in rating_parser's `wanted_`.
enum column_role : int { user_column, item_column, rating_column, timestamp_column, ignored = -1 };

std::string format_number(float value) {
  std::ostringstream s;
  s << value;
  return s.str();
}

std::string describe_delimiter(const std::string& delimiter) {
  return delimiter == "\t" ? "tab" : text::quoted(delimiter);
}

// Turns lines into ratings. The header, or for headerless files the first
// line (3 or 4 fields) or the format (tab: 4 fields), fixes the columns;
// every later line must have as many fields.
class rating_parser {
 public:
  rating_parser(const std::filesystem::path& path, const format_spec& format)
      : format_(format), delimiter_(format.delimiter) {
    if (delimiter_.empty()) throw error(error_code::invalid_argument, "the delimiter is empty");
    table_.path = path;
    if (!format_.header && format_.kind == rating_format::tab) use_positional_columns(4);
  }

  // The next line of the file, without its "\n".
  void line(std::string_view row) {
    ++number_;
    if (number_ == 1) row = text::strip_bom(row);
    if (!row.empty() && row.back() == '\r') row.remove_suffix(1);
    if (row.empty()) return;
    if (roles_.empty()) {
      if (format_.header) return read_header(row);
      decide_positional_columns(row);
    }
    read_rating(row);
  }

  std::size_t size() const { return table_.size(); }

  void reserve(std::size_t ratings) {
    table_.users.reserve(ratings);
    table_.items.reserve(ratings);
    table_.values.reserve(ratings);
    if (has_timestamp_ && format_.keep_timestamps) table_.timestamps.reserve(ratings);
  }

  rating_table finish() {
    if (table_.values.empty()) throw error(error_code::parse_error, table_.path.string() + ": no ratings");
    return std::move(table_);
  }

 private:
  [[noreturn]] void fail(const std::string& reason) const {
    throw text::line_error(table_.path, number_, reason);
  }

  void use_positional_columns(std::size_t count) {
    roles_ = {user_column, item_column, rating_column};
    if (count == 4) roles_.push_back(timestamp_column);
    has_timestamp_ = count == 4;
    count_reason_ = "expected " + std::to_string(count) + " " + describe_delimiter(delimiter_) +
                    "-separated fields (user, item, rating" + (has_timestamp_ ? ", timestamp" : "") + ")";
    if (format_.kind != rating_format::tab) count_reason_ += " as on line " + std::to_string(number_);
  }

  void decide_positional_columns(std::string_view row) {
    const std::size_t found = split(row);
    if (found != 3 && found != 4)
      fail("expected 3 or 4 " + describe_delimiter(delimiter_) +
           "-separated fields (user, item, rating[, timestamp]), found " + std::to_string(found));
    use_positional_columns(found);
  }

  void read_header(std::string_view row) {
    const std::vector<std::string_view> names = text::split(row, delimiter_);
    roles_.assign(names.size(), ignored);
    const std::array<const std::string*, 4> wanted = {&format_.user_column, &format_.item_column,
                                                      &format_.rating_column, &format_.timestamp_column};
    for (std::size_t role = 0; role < wanted.size(); ++role) {
      const auto at = std::find(names.begin(), names.end(), *wanted[role]);
      if (at == names.end()) {
        if (role == timestamp_column) continue;
        fail("the header has no column " + text::quoted(*wanted[role]) +
             " (its columns: " + join_quoted(names) + ")");
      }
      if (std::find(std::next(at), names.end(), *wanted[role]) != names.end())
        fail("the header names column " + text::quoted(*wanted[role]) + " twice");
      auto& slot = roles_[static_cast<std::size_t>(at - names.begin())];
      if (slot != ignored)
        throw error(error_code::invalid_argument,
                    "the format names column " + text::quoted(*wanted[role]) + " for two roles");
      slot = static_cast<int>(role);
      if (role == timestamp_column) has_timestamp_ = true;
    }
    count_reason_ = "expected " + std::to_string(names.size()) + " " + describe_delimiter(delimiter_) +
                    "-separated fields as in the header";
  }

  static std::string join_quoted(const std::vector<std::string_view>& names) {
    std::string out;
    for (const std::string_view name : names) out += (out.empty() ? "" : ", ") + text::quoted(name);
    return out;
  }

  // The end of the field that starts at `start`: the next delimiter or the row's end.
  std::size_t field_end(std::string_view row, std::size_t start) const {
    if (delimiter_.size() == 1) {
      // A plain loop: fields are a few bytes, too short for memchr to pay off.
      const char d = delimiter_[0];
      while (start < row.size() && row[start] != d) ++start;
      return start;
    }
    return std::min(row.find(delimiter_, start), row.size());
  }

  // Counts the fields of `row` and sets wanted_[role] to each field with a role.
  std::size_t split(std::string_view row) {
    std::size_t count = 0;
    std::size_t start = 0;
    while (true) {
      const std::size_t end = field_end(row, start);
      if (count < roles_.size() && roles_[count] != ignored)
        wanted_[static_cast<std::size_t>(roles_[count])] = row.substr(start, end - start);
      ++count;
      if (end == row.size()) return count;
      start = end + delimiter_.size();
    }
  }

  void read_rating(std::string_view row) {
    const std::size_t found = split(row);
    if (found != roles_.size()) fail(count_reason_ + ", found " + std::to_string(found));
    const auto user = text::parse_id(wanted_[user_column]);
    if (!user) fail("user id " + text::quoted(wanted_[user_column]) + " is not a number");
    const auto item = text::parse_id(wanted_[item_column]);
    if (!item) fail("item id " + text::quoted(wanted_[item_column]) + " is not a number");
    const std::string_view rating = wanted_[rating_column];
    const auto value = text::parse_decimal(rating);
    if (!value) fail("rating " + text::quoted(rating) + " is not a number");
    if (*value < format_.valid.min || *value > format_.valid.max)
      fail("rating " + text::quoted(rating) + " is outside " + format_number(format_.valid.min) + ".." +
           format_number(format_.valid.max));
    if (has_timestamp_) {
      const auto timestamp = text::parse_count(wanted_[timestamp_column]);
      if (!timestamp) fail("timestamp " + text::quoted(wanted_[timestamp_column]) + " is not a number");
      if (format_.keep_timestamps) table_.timestamps.push_back(*timestamp);
      if (!table_.times) table_.times = time_span{*timestamp, *timestamp};
      table_.times->first = std::min(table_.times->first, *timestamp);
      table_.times->last = std::max(table_.times->last, *timestamp);
    }
    if (table_.values.empty() || number_ != last_rating_line_ + 1)
      table_.line_marks.emplace_back(table_.size(), number_);
    last_rating_line_ = number_;
    table_.users.push_back(*user);
    table_.items.push_back(*item);
    table_.values.push_back(*value);
  }

  const format_spec& format_;
  const std::string& delimiter_;
  rating_table table_;
  std::int64_t number_ = 0;            // the current line
  std::int64_t last_rating_line_ = 0;  // the line of the last rating read
  std::vector<int> roles_;             // per column; empty until the columns are known
  bool has_timestamp_ = false;
  std::string count_reason_;                  // "expected 4 tab-separated fields (...)"
  std::array<std::string_view, 4> wanted_{};  // the current line's fields, by role
};

class input_file {
 public:
  explicit input_file(const std::filesystem::path& path) : path_(path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) fail("is a directory, not a file");
    file_ = std::fopen(path.c_str(), "rb");
    if (!file_) fail(std::string("cannot open: ") + std::strerror(errno));
  }
  ~input_file() { std::fclose(file_); }
  input_file(const input_file&) = delete;
  input_file& operator=(const input_file&) = delete;

  // The file's size, or 0 when it cannot be told.
  std::uintmax_t size() const {
    std::error_code ec;
    const std::uintmax_t bytes = std::filesystem::file_size(path_, ec);
    return ec ? 0 : bytes;
  }

  std::size_t read(char* into, std::size_t bytes) {
    const std::size_t got = std::fread(into, 1, bytes, file_);
    if (got < bytes && std::ferror(file_)) fail(std::string("read failed: ") + std::strerror(errno));
    return got;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw error(error_code::io_error, path_.string() + ": " + what);
  }

  std::filesystem::path path_;
  std::FILE* file_ = nullptr;
};

// A file's bytes already in memory, read as input_file reads the file.
class memory_input {
 public:
  explicit memory_input(std::string_view bytes) : rest_(bytes) {}
  std::uintmax_t size() const { return size_; }
  std::size_t read(char* into, std::size_t bytes) {
    const std::size_t got = std::min(bytes, rest_.size());
    std::memcpy(into, rest_.data(), got);
    rest_.remove_prefix(got);
    return got;
  }

 private:
  std::string_view rest_;
  std::uintmax_t size_ = rest_.size();
};

// Parses the whole lines of `block` and returns how many bytes they took.
std::size_t parse_lines(std::string_view block, rating_parser& parser) {
  std::size_t start = 0;
  while (true) {
    const std::size_t end = block.find('\n', start);
    if (end == std::string_view::npos) return start;
    parser.line(block.substr(start, end - start));
    start = end + 1;
  }
}

// Ratings in the whole file, extrapolated from those in its first `bytes`
// (a little over, so that the columns are not reallocated near the end).
std::size_t estimate_ratings(std::size_t ratings, std::uintmax_t bytes, std::uintmax_t file_size) {
  const double per_byte = static_cast<double>(ratings) / static_cast<double>(bytes);
  return static_cast<std::size_t>(per_byte * static_cast<double>(file_size) * 1.02) + 16;
}

// Every rating of `input` (an input_file or a memory_input), `block_size` bytes at a time.
template <class Input>
rating_table read_blocks(Input& input, rating_parser& parser, std::size_t block_size) {
  const std::uintmax_t file_size = input.size();
  std::vector<char> buffer(static_cast<std::size_t>(std::clamp<std::uintmax_t>(file_size, 1, block_size)));
  std::size_t kept = 0;       // an unfinished line, carried to the buffer's front
  std::uintmax_t parsed = 0;  // bytes of whole lines parsed so far
  bool reserved = false;
  while (true) {
    if (kept == buffer.size()) buffer.resize(2 * buffer.size());  // a line longer than the buffer
    const std::size_t got = input.read(buffer.data() + kept, buffer.size() - kept);
    if (got == 0) break;
    const std::size_t used = parse_lines(std::string_view(buffer.data(), kept + got), parser);
    kept = kept + got - used;
    std::memmove(buffer.data(), buffer.data() + used, kept);
    parsed += used;
    if (!reserved && parser.size() > 0 && file_size > 0) {
      parser.reserve(estimate_ratings(parser.size(), parsed, file_size));
      reserved = true;
    }
  }
  if (kept > 0) parser.line(std::string_view(buffer.data(), kept));  // no final newline
  return parser.finish();
}

}  // namespace

rating_table read_ratings(const std::filesystem::path& path, const format_spec& format) {
  return read_ratings(path, format, default_block_size);
}

rating_table read_ratings(const std::filesystem::path& path, const format_spec& format,
                          std::size_t block_size) {
  if (block_size == 0) throw error(error_code::invalid_argument, "read_ratings: block size 0");
  rating_parser parser(path, format);
  input_file file(path);
  return read_blocks(file, parser, block_size);
}

rating_table parse_ratings(std::string_view bytes, const std::filesystem::path& source,
                           const format_spec& format, std::size_t block_size) {
  if (block_size == 0) throw error(error_code::invalid_argument, "parse_ratings: block size 0");
  rating_parser parser(source, format);
  memory_input input(bytes);
  return read_blocks(input, parser, block_size);
}

}  // namespace aerec
