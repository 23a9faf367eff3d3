#pragma once
// Downloads the official MovieLens archives from GroupLens, verifies their
// MD5 checksums and unpacks them. Native only (libcurl, libzip).
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace aerec {

struct dataset_source {
  std::string name;    // "ml-1m": what `aerec data download` takes, and the folder it makes
  std::string url;     // the zip archive
  std::string md5;     // lower-case hex of the archive, as GroupLens publishes it; empty:
                       // read from <url>.md5 at download time (an archive GroupLens rebuilds)
  std::string folder;  // the top folder inside the archive
};

// ml-100k, ml-1m, ml-10m, ml-20m, ml-25m, ml-latest-small.
const std::vector<dataset_source>& movielens_sources();
// Throws error_code::invalid_argument listing the known names.
const dataset_source& movielens_source(const std::string& name);

// (bytes so far, total bytes or 0 when unknown)
using download_progress = std::function<void(std::uint64_t, std::uint64_t)>;

// Downloads `source` into `data_home`/`source.name`, returning that folder.
// The archive goes to a temporary file and is unpacked into a temporary
// folder, both inside data_home, which is renamed into place only after the
// checksum matched and every file was extracted: on any failure nothing is
// left behind. An existing complete folder is kept and returned unless
// `force`. Throws error_code::io_error with a clear message when the host
// cannot be reached ("no network?"), the server answers with an error, the
// checksum differs or the archive is damaged.
std::filesystem::path download_dataset(const dataset_source& source, const std::filesystem::path& data_home,
                                       const download_progress& progress = {}, bool force = false);

// Lower-case hex MD5 of a file (RFC 1321).
std::string md5_file(const std::filesystem::path& path);

}  // namespace aerec
