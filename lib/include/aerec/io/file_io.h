#pragma once
// Whole-file reads and atomic writes, with errors that name the file.
#include <filesystem>
#include <string>
#include <string_view>

namespace aerec {

// The file's bytes; throws error_code::io_error naming the path when it cannot be read.
std::string read_file(const std::filesystem::path& path);

// Writes `bytes` to a temporary file beside `path`, flushes it, then renames it
// over `path`: readers see the old file or the whole new one, never a part.
void write_file_atomic(const std::filesystem::path& path, std::string_view bytes);

// Throws error_code::io_error unless a file can be written at `path`; checked
// before long work so that a bad output path fails at once, not after training.
void check_writable(const std::filesystem::path& path);

}  // namespace aerec
