#include "aerec/io/file_io.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <system_error>

#include "aerec/core/error.h"

namespace aerec {

namespace {
[[noreturn]] void io_fail(const std::filesystem::path& path, const std::string& what) {
  throw error(error_code::io_error, path.string() + ": " + what);
}
}  // namespace

std::string read_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) io_fail(path, "is a directory, not a file");
  std::ifstream in(path, std::ios::binary);
  if (!in) io_fail(path, std::string("cannot open: ") + std::strerror(errno));
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) io_fail(path, "read failed");
  return bytes;
}

namespace {
std::filesystem::path temporary_beside(const std::filesystem::path& path) {
  std::filesystem::path temp = path;
  temp += ".tmp";
  return temp;
}
}  // namespace

void check_writable(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) io_fail(path, "is a directory");
  const std::filesystem::path temp = temporary_beside(path);
  std::FILE* f = std::fopen(temp.string().c_str(), "wb");
  if (!f) io_fail(path, std::string("cannot write: ") + std::strerror(errno));
  std::fclose(f);
  std::remove(temp.string().c_str());
}

void write_file_atomic(const std::filesystem::path& path, std::string_view bytes) {
  const std::filesystem::path temp = temporary_beside(path);
  {
    std::FILE* f = std::fopen(temp.string().c_str(), "wb");
    if (!f) io_fail(path, std::string("cannot write: ") + std::strerror(errno));
    const bool written = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
    const bool flushed = std::fflush(f) == 0;
    const bool closed = std::fclose(f) == 0;
    if (!(written && flushed && closed)) {
      std::remove(temp.string().c_str());
      io_fail(path, "write failed (disk full?)");
    }
  }
  std::error_code ec;
  std::filesystem::rename(temp, path, ec);
  if (ec) {
    std::filesystem::remove(temp);
    io_fail(path, "cannot replace: " + ec.message());
  }
}

}  // namespace aerec
