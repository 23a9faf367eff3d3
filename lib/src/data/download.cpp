#include "aerec/data/download.h"

#include <curl/curl.h>
#include <stdlib.h>  // mkstemps, mkdtemp (POSIX)
#include <unistd.h>
#include <zip.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <string_view>
#include <system_error>

#include "aerec/core/error.h"
#include "core/names.h"
#include "data/md5.h"

namespace aerec {

namespace fs = std::filesystem;

namespace {

constexpr const char* grouplens = "https://files.grouplens.org/datasets/movielens/";

dataset_source movielens(const std::string& name, const std::string& md5_hex, const std::string& folder) {
  return {name, std::string(grouplens) + name + ".zip", md5_hex, folder};
}

// ---- temporary files and folders inside data_home ----

// Removes a file or folder when it goes out of scope: every failure path
// leaves data_home as it was.
class scoped_path {
 public:
  explicit scoped_path(fs::path path) : path_(std::move(path)) {}
  ~scoped_path() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  scoped_path(const scoped_path&) = delete;
  scoped_path& operator=(const scoped_path&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

[[noreturn]] void throw_io(const std::string& what, const fs::path& path, int err) {
  throw error(error_code::io_error, what + " " + path.string() + ": " + std::strerror(err));
}

struct file_closer {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using unique_file = std::unique_ptr<std::FILE, file_closer>;

// Closes `file`, reporting what a buffered write only finds out at the end (a full disk).
void close_file(unique_file& file, const fs::path& path) {
  if (std::fclose(file.release()) != 0) throw_io("cannot write", path, errno);
}

struct temp_file {
  fs::path path;
  unique_file file;
};

// A new file named like "<dir>/.<stem>-XXXXXX<suffix>", unique even with
// other aerec processes downloading into the same folder.
temp_file make_temp_file(const fs::path& dir, const std::string& stem, const std::string& suffix) {
  std::string name = (dir / ("." + stem + "-XXXXXX" + suffix)).string();
  const int fd = ::mkstemps(name.data(), static_cast<int>(suffix.size()));
  if (fd < 0) throw_io("cannot create a temporary file in", dir, errno);
  std::FILE* file = ::fdopen(fd, "wb");
  if (!file) {
    const int err = errno;
    ::close(fd);
    ::unlink(name.c_str());
    throw_io("cannot open", name, err);
  }
  return {name, unique_file(file)};
}

fs::path make_temp_dir(const fs::path& dir, const std::string& stem) {
  std::string name = (dir / ("." + stem + "-XXXXXX")).string();
  if (!::mkdtemp(name.data())) throw_io("cannot create a temporary folder in", dir, errno);
  return name;
}

// ---- fetching with libcurl ----

void init_curl() {
  static const CURLcode init = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (init != CURLE_OK)
    throw error(error_code::io_error, std::string("cannot start libcurl: ") + curl_easy_strerror(init));
}

std::string host_of(const std::string& url) {
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> parsed(curl_url(), curl_url_cleanup);
  char* host = nullptr;
  if (!parsed || curl_url_set(parsed.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK ||
      curl_url_get(parsed.get(), CURLUPART_HOST, &host, 0) != CURLUE_OK)
    return url;
  std::string out = host;
  curl_free(host);
  return out;
}

struct transfer {
  std::FILE* out;
  const download_progress& progress;
  int write_errno = 0;
  std::exception_ptr progress_error;  // thrown by `progress`, rethrown outside libcurl
  curl_off_t reported = -1;
};

std::size_t on_data(char* data, std::size_t size, std::size_t count, void* user) {
  auto& t = *static_cast<transfer*>(user);
  const std::size_t bytes = size * count;
  if (std::fwrite(data, 1, bytes, t.out) != bytes) {
    t.write_errno = errno;
    return 0;  // libcurl stops with CURLE_WRITE_ERROR
  }
  return bytes;
}

int on_progress(void* user, curl_off_t total, curl_off_t now, curl_off_t, curl_off_t) {
  auto& t = *static_cast<transfer*>(user);
  if (!t.progress || now == t.reported) return 0;
  t.reported = now;
  try {
    t.progress(static_cast<std::uint64_t>(now), static_cast<std::uint64_t>(total));
  } catch (...) {
    t.progress_error = std::current_exception();
    return 1;  // aborts the transfer
  }
  return 0;
}

[[noreturn]] void throw_transfer_error(CURL* curl, CURLcode code, const char* message, const std::string& url,
                                       const transfer& t, const fs::path& part) {
  if (t.progress_error) std::rethrow_exception(t.progress_error);
  const std::string reason = *message ? message : curl_easy_strerror(code);
  switch (code) {
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
      throw error(error_code::io_error, "cannot reach " + host_of(url) + " (no network?): " + reason);
    case CURLE_HTTP_RETURNED_ERROR: {
      long status = 0;
      curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
      throw error(error_code::io_error,
                  "cannot download " + url + ": the server answered HTTP " + std::to_string(status));
    }
    case CURLE_WRITE_ERROR:
      if (t.write_errno != 0) throw_io("cannot write", part, t.write_errno);
      [[fallthrough]];
    default:
      throw error(error_code::io_error, "cannot download " + url + ": " + reason);
  }
}

// Downloads `url` into the open file `out` (at `part`).
void fetch(const std::string& url, std::FILE* out, const fs::path& part, const download_progress& progress) {
  init_curl();
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) throw error(error_code::io_error, "cannot start a libcurl transfer");
  transfer t{out, progress, 0, {}, -1};
  char message[CURL_ERROR_SIZE] = "";
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, message);
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);  // HTTP >= 400 is an error, not a file
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 30L);
  // No overall timeout (ML-25M is 250 MB on any line), but give up on a stalled one.
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 60L);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "aerec/0.1 (libcurl)");
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, &t);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  const CURLcode code = curl_easy_perform(c);
  if (code != CURLE_OK) throw_transfer_error(c, code, message, url, t, part);
}

// The MD5 that GroupLens publishes beside an archive: <url>.md5 reads
// "MD5 (ml-latest-small.zip) = <32 hex digits>".
std::string published_md5(const std::string& url) {
  const std::string md5_url = url + ".md5";
  unique_file text(std::tmpfile());
  if (!text) throw_io("cannot create a temporary file in", fs::temp_directory_path(), errno);
  fetch(md5_url, text.get(), "a temporary file", {});
  std::rewind(text.get());
  char buffer[512];
  const std::string content(buffer, std::fread(buffer, 1, sizeof buffer, text.get()));
  std::string word;
  for (const char c : content + ' ') {
    if (!std::isspace(static_cast<unsigned char>(c))) {
      word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      continue;
    }
    if (word.size() == 32 && word.find_first_not_of("0123456789abcdef") == std::string::npos) return word;
    word.clear();
  }
  throw error(error_code::io_error, "no MD5 checksum in " + md5_url);
}

// ---- unpacking with libzip ----

[[noreturn]] void throw_damaged(const std::string& url, const std::string& reason) {
  throw error(error_code::io_error, "the archive downloaded from " + url + " is damaged: " + reason);
}

// The entry's path below the unpacking folder; refuses names that would
// land outside it ("../x", "/etc/x") whatever the archive claims.
fs::path safe_entry_path(const std::string& name, const std::string& url) {
  bool safe = !name.empty() && name.front() != '/' && name.front() != '\\';
  for (std::size_t start = 0; safe && start <= name.size();) {
    const std::size_t end = std::min(name.find_first_of("/\\", start), name.size());
    safe = name.compare(start, end - start, "..") != 0;
    start = end + 1;
  }
  if (!safe)
    throw error(error_code::io_error, "the archive downloaded from " + url + " holds an unsafe entry '" +
                                          name + "': refusing to unpack it");
  return fs::path(name).relative_path();
}

void unpack_entry(zip_t* archive, zip_uint64_t index, const fs::path& to, const std::string& url,
                  const std::string& name) {
  std::unique_ptr<zip_file_t, decltype(&zip_fclose)> entry(zip_fopen_index(archive, index, 0), zip_fclose);
  if (!entry) throw_damaged(url, name + ": " + zip_strerror(archive));
  unique_file out(std::fopen(to.c_str(), "wb"));
  if (!out) throw_io("cannot create", to, errno);
  char buffer[1 << 16];
  for (;;) {
    const zip_int64_t n = zip_fread(entry.get(), buffer, sizeof buffer);
    if (n < 0) throw_damaged(url, name + ": " + zip_file_strerror(entry.get()));
    if (n == 0) break;
    if (std::fwrite(buffer, 1, static_cast<std::size_t>(n), out.get()) != static_cast<std::size_t>(n))
      throw_io("cannot write", to, errno);
  }
  close_file(out, to);
}

// Unpacks every entry of `zip_path` below `into`. Only plain files and
// folders are made (an entry's contents never become a link).
void unpack(const fs::path& zip_path, const fs::path& into, const std::string& url) {
  int code = 0;
  std::unique_ptr<zip_t, decltype(&zip_discard)> archive(
      zip_open(zip_path.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &code), zip_discard);
  if (!archive) {
    zip_error_t e;
    zip_error_init_with_code(&e, code);
    const std::string reason = zip_error_strerror(&e);
    zip_error_fini(&e);
    throw_damaged(url, reason);
  }
  const zip_int64_t entries = zip_get_num_entries(archive.get(), 0);
  for (zip_int64_t i = 0; i < entries; ++i) {
    const auto index = static_cast<zip_uint64_t>(i);
    const char* raw_name = zip_get_name(archive.get(), index, ZIP_FL_ENC_GUESS);
    if (!raw_name) throw_damaged(url, zip_strerror(archive.get()));
    const std::string name = raw_name;
    const fs::path to = into / safe_entry_path(name, url);
    std::error_code ec;
    const bool is_folder = name.back() == '/';
    fs::create_directories(is_folder ? to : to.parent_path(), ec);
    if (ec) throw error(error_code::io_error, "cannot create " + to.string() + ": " + ec.message());
    if (!is_folder) unpack_entry(archive.get(), index, to, url, name);
  }
}

// ---- putting the result in place ----

// Renames the finished folder `from` to `target`. With `replace`, an existing
// target is moved aside first and restored if the rename fails.
void move_into_place(const fs::path& from, const fs::path& target, bool replace, const std::string& stem) {
  std::error_code ec;
  std::unique_ptr<scoped_path> old;
  if (replace && fs::exists(target)) {
    old = std::make_unique<scoped_path>(make_temp_dir(target.parent_path(), stem + "-old"));
    fs::rename(target, old->path(), ec);  // replaces the empty placeholder folder
    if (ec) throw error(error_code::io_error, "cannot replace " + target.string() + ": " + ec.message());
  }
  fs::rename(from, target, ec);
  if (!ec) return;
  if (old) {
    std::error_code ignored;
    fs::rename(old->path(), target, ignored);
  } else if (fs::is_directory(target)) {
    return;  // another aerec finished the same download first
  }
  throw error(error_code::io_error, "cannot create " + target.string() + ": " + ec.message());
}

}  // namespace

const std::vector<dataset_source>& movielens_sources() {
  // The MD5s are those GroupLens publishes beside each archive (<url>.md5,
  // "MD5 (ml-1m.zip) = ..."); no network here, so they were checked against
  // public code that pins them:
  // - ml-100k, ml-1m, ml-10m, ml-20m, ml-25m: eli-osherovich/papers_with_code,
  //   datasets/movielens/dl_config.py (the same five in arxiv_1912.09140/movielens_config.py);
  // - ml-1m, ml-25m again: numericalalgorithmsgroup/MLFirstSteps_Azure, ncf/verify_dataset.sh
  //   (MLPerf's NCF script, "From: curl -O .../ml-25m.zip.md5").
  // - ml-latest-small: GroupLens rebuilds it from time to time. No public source
  //   pins the MD5 of its current archive (September 2018; 978,202 bytes, SHA-256
  //   696d65a3dfceac7c45750ad32df2c259311949efec81f0f144fdfb91ebc9e436 per
  //   tensorflow/datasets url_checksums/movielens.txt), so its MD5 is left empty and
  //   read from <url>.md5 when downloading, which also follows GroupLens's rebuilds.
  static const std::vector<dataset_source> sources = {
      movielens("ml-100k", "0e33842e24a9c977be4e0107933c0723", "ml-100k"),
      movielens("ml-1m", "c4d9eecfca2ab87c1945afe126590906", "ml-1m"),
      movielens("ml-10m", "ce571fd55effeba0271552578f2648bd", "ml-10M100K"),
      movielens("ml-20m", "cd245b17a1ae2cc31bb14903e1204af3", "ml-20m"),
      movielens("ml-25m", "6b51fb2759a8657d3bfcbfc42b592ada", "ml-25m"),
      movielens("ml-latest-small", "", "ml-latest-small"),
  };
  return sources;
}

const dataset_source& movielens_source(const std::string& name) {
  return find_by_name("data set", name, movielens_sources(), [](const dataset_source& s) { return s.name; });
}

fs::path download_dataset(const dataset_source& source, const fs::path& data_home,
                          const download_progress& progress, bool force) {
  const fs::path target = data_home / source.name;
  if (!force && fs::is_directory(target)) return target;
  std::error_code ec;
  fs::create_directories(data_home, ec);
  if (ec) throw error(error_code::io_error, "cannot create " + data_home.string() + ": " + ec.message());

  const std::string expected = source.md5.empty() ? published_md5(source.url) : source.md5;
  temp_file part = make_temp_file(data_home, source.name, ".zip");
  const scoped_path part_guard(part.path);
  fetch(source.url, part.file.get(), part.path, progress);
  close_file(part.file, part.path);

  const std::string got = md5_file(part.path);
  if (got != expected) {
    std::string advice = "the download was damaged or cut short: run the command again";
    if (!source.md5.empty())
      advice += "; if it persists, GroupLens may have rebuilt the archive: compare with " + source.url +
                ".md5 and report the new checksum to aerec's maintainers";
    throw error(error_code::io_error, "checksum mismatch for " + source.url + ": expected " + expected +
                                          ", got " + got + "; " + advice);
  }

  const scoped_path unpacked(make_temp_dir(data_home, source.name + "-unpack"));
  unpack(part.path, unpacked.path(), source.url);
  const fs::path top = unpacked.path() / source.folder;
  if (!fs::is_directory(top)) throw_damaged(source.url, "it has no folder " + source.folder + "/");
  move_into_place(top, target, force, source.name);
  return target;
}

std::string md5_file(const fs::path& path) {
  const unique_file in(std::fopen(path.c_str(), "rb"));
  if (!in) throw_io("cannot open", path, errno);
  md5 hash;
  char buffer[1 << 16];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, in.get())) > 0) hash.update(buffer, n);
  if (std::ferror(in.get())) throw_io("cannot read", path, errno);
  return hash.hex_digest();
}

}  // namespace aerec
