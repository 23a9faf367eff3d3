// Times read_ratings on one file, then load_dataset with a random 90/10
// split: aerec_bench_read FILE [FORMAT]. FORMAT (tab, dat, csv) overrides the
// one told from the file's name. Prints ratings per second, the process's
// peak RSS after each stage, and the size of the split's CSR arrays.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <optional>

#include "aerec/core/error.h"
#include "aerec/data/data_files.h"
#include "aerec/data/rating_reader.h"
#include "aerec/data/split.h"

namespace {

double peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

void time_read(const aerec::data_files& files) {
  const auto start = std::chrono::steady_clock::now();
  const aerec::rating_table table = aerec::read_ratings(files.ratings, files.format);
  const std::chrono::duration<double> seconds = std::chrono::steady_clock::now() - start;
  std::printf("%s: %zu ratings (%s) in %.3f s: %.1f M ratings/s, peak RSS %.0f MiB\n", files.ratings.c_str(),
              table.size(), aerec::rating_format_name(files.format.kind), seconds.count(),
              static_cast<double>(table.size()) / seconds.count() / 1e6, peak_rss_mib());
}

double csr_mib(const aerec::ratings& r) {
  return static_cast<double>(r.offsets().size_bytes() + r.cols_index().size_bytes() +
                             r.values().size_bytes()) /
         (1024.0 * 1024.0);
}

// Reads the file again (the first table is gone) and splits it.
void time_split(const aerec::data_files& files) {
  const auto start = std::chrono::steady_clock::now();
  const aerec::dataset d = aerec::load_dataset(files, {aerec::parse_split("random:0.1"), 0, 1});
  const std::chrono::duration<double> seconds = std::chrono::steady_clock::now() - start;
  std::printf(
      "load_dataset random:0.1: %.3f s, %d users, %d items, CSR arrays %.0f MiB, "
      "peak RSS %.0f MiB\n",
      seconds.count(), d.users.size(), d.items.size(), csr_mib(d.train) + csr_mib(d.test.target),
      peak_rss_mib());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::fprintf(stderr, "usage: %s FILE [tab|dat|csv]\n", argv[0]);
    return 2;
  }
  try {
    std::optional<aerec::format_spec> format;
    if (argc == 3) format = aerec::default_format(aerec::parse_rating_format(argv[2]));
    const aerec::data_files files = aerec::locate_data(argv[1], format);
    time_read(files);
    time_split(files);
  } catch (const aerec::error& e) {
    std::fprintf(stderr, "aerec_bench_read: %s\n", e.what());
    return 1;
  }
  return 0;
}
