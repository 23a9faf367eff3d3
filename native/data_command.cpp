// aerec data: describe rating data sets, write a split's parts, and download the MovieLens ones.
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <memory>
#include <optional>
#include <string>

#include "aerec/core/error.h"
#include "aerec/data/data_files.h"
#include "aerec/data/data_source.h"
#include "aerec/data/data_stats.h"
#include "aerec/data/download.h"
#include "aerec/data/movies.h"
#include "aerec/data/split.h"
#include "aerec/data/split_files.h"
#include "commands.h"
#include "data_source.h"
#include "output.h"

namespace aerec::cli {

namespace {

// ---- formatting ----

// A median is a whole number or halfway between two.
std::string median_text(double median) {
  if (median == std::floor(median)) return thousands(static_cast<std::uint64_t>(median));
  return thousands(static_cast<std::uint64_t>(median)) + ".5";
}

std::string fixed(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

// Seconds since 1970 as a UTC date, "2003-02-28".
std::string utc_date(std::int64_t seconds) {
  const auto t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  if (!gmtime_r(&t, &tm)) return std::to_string(seconds);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d", &tm);
  return buffer;
}

std::string rating_text(float value) { return json(shortest_decimal(value)).dump(); }

double percent(std::size_t part, std::size_t whole) {
  return whole == 0 ? 0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole);
}

// ---- aerec data info ----

struct info_args {
  data_source data;  // data.data is the PATH argument
  bool json_output = false;
};

struct description {
  data_files files;
  data_stats stats;
  std::optional<std::size_t> titles;  // when there is a movies file
};

json spread_json(const count_spread& s) {
  return {{"min", s.min}, {"median", s.median}, {"mean", s.mean}, {"max", s.max}};
}

json to_json(const description& d) {
  const data_stats& s = d.stats;
  json histogram = json::array();
  for (const auto& [value, count] : s.histogram)
    histogram.push_back(
        {{"rating", shortest_decimal(value)}, {"count", count}, {"percent", percent(count, s.ratings)}});
  json timestamps = nullptr;
  if (s.has_timestamps)
    timestamps = {{"first", s.first_timestamp},
                  {"last", s.last_timestamp},
                  {"first_date", utc_date(s.first_timestamp)},
                  {"last_date", utc_date(s.last_timestamp)}};
  return {{"name", d.files.name},
          {"file", d.files.ratings.string()},
          {"format", rating_format_name(d.files.format.kind)},
          {"ratings", s.ratings},
          {"users", s.users},
          {"items", s.items},
          {"density", s.density},
          {"mean_rating", s.mean_rating},
          {"histogram", histogram},
          {"ratings_per_user", spread_json(s.per_user)},
          {"ratings_per_item", spread_json(s.per_item)},
          {"timestamps", timestamps},
          {"titles", d.titles ? json(*d.titles) : json(nullptr)}};
}

std::string spread_text(const count_spread& s) {
  return "min " + thousands(static_cast<std::uint64_t>(s.min)) + ", median " + median_text(s.median) +
         ", mean " + fixed(s.mean, 1) + ", max " + thousands(static_cast<std::uint64_t>(s.max));
}

void print_histogram(const data_stats& s) {
  constexpr int bar_width = 30;
  std::size_t most = 0;
  for (const auto& entry : s.histogram) most = std::max(most, entry.second);
  std::printf("\n%8s %12s %7s\n", "rating", "count", "share");
  for (const auto& [value, count] : s.histogram) {
    const auto bar = static_cast<std::size_t>(
        std::lround(bar_width * static_cast<double>(count) / static_cast<double>(most)));
    std::printf("%8s %12s %6.1f%%  %s\n", rating_text(value).c_str(), thousands(count).c_str(),
                percent(count, s.ratings), std::string(bar, '#').c_str());
  }
}

void print_text(const description& d) {
  const data_stats& s = d.stats;
  const auto row = [](const char* label, const std::string& value) {
    std::printf("%-18s %s\n", label, value.c_str());
  };
  row("name", d.files.name);
  row("file", d.files.ratings.string());
  row("format", rating_format_name(d.files.format.kind));
  row("ratings", thousands(s.ratings));
  row("users", thousands(s.users));
  row("items", thousands(s.items));
  row("density", fixed(100 * s.density, 4) + "%");
  row("mean rating", fixed(s.mean_rating, 4));
  row("ratings per user", spread_text(s.per_user));
  row("ratings per item", spread_text(s.per_item));
  if (s.has_timestamps)
    row("timestamps", utc_date(s.first_timestamp) + " to " + utc_date(s.last_timestamp) + " (UTC)");
  if (d.titles) row("titles", thousands(*d.titles));
  print_histogram(s);
}

void run_info(const info_args& a) {
  description d{resolve_data(a.data), {}, std::nullopt};
  format_spec format = d.files.format;
  format.keep_timestamps = false;  // their span is all it shows
  d.stats = describe(read_ratings(d.files.ratings, format));
  if (!d.files.movies.empty()) d.titles = read_movies(d.files.movies).size();
  if (a.json_output)
    std::printf("%s\n", to_json(d).dump(2).c_str());
  else
    print_text(d);
}

// ---- aerec data split ----

struct split_args {
  data_source data;
  std::string split, out;
  std::uint64_t seed = 1;
  double validation = 0;
};

// The parts exactly as train, with the same flags, would use them.
void run_split(const split_args& a) {
  const load_options options{parse_split(a.split), a.validation, a.seed};
  const dataset d = load_data(a.data, options);
  report_left_out({d.test.unknown_user, d.test.unknown_item}, "test");
  report_left_out({d.validation.unknown_user, d.validation.unknown_item}, "validation");
  report_short_users(d.short_users);
  for (const std::string& name : write_split_files(d, a.out))
    std::printf("%s\n", (std::filesystem::path(a.out) / name).c_str());
}

// ---- aerec data download / list ----

struct download_args {
  std::string name, data_home;
  bool force = false;
};

std::filesystem::path data_home_of(const std::string& option) {
  return option.empty() ? default_data_home() : std::filesystem::path(option);
}

// Download progress on stderr: redrawn in place on a terminal (at most ten
// times a second), silent otherwise so that logs get only the start and end.
class download_meter {
 public:
  download_meter() : terminal_(isatty(STDERR_FILENO) != 0) {}

  void update(std::uint64_t now, std::uint64_t total) {
    if (!terminal_) return;
    const auto clock = std::chrono::steady_clock::now();
    if (clock - last_ < std::chrono::milliseconds(100) && now != total) return;
    last_ = clock;
    const double mb = 1024.0 * 1024.0;
    if (total > 0)
      std::fprintf(stderr, "\r  %.1f / %.1f MB  %3.0f%%", static_cast<double>(now) / mb,
                   static_cast<double>(total) / mb,
                   100.0 * static_cast<double>(now) / static_cast<double>(total));
    else
      std::fprintf(stderr, "\r  %.1f MB", static_cast<double>(now) / mb);
    std::fflush(stderr);
    drawn_ = true;
  }

  void finish() {
    if (drawn_) std::fputc('\n', stderr);
  }

 private:
  bool terminal_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_{};
};

void run_download(const download_args& a) {
  const dataset_source& source = movielens_source(a.name);
  const std::filesystem::path home = data_home_of(a.data_home);
  const std::filesystem::path target = home / source.name;
  if (!a.force && std::filesystem::is_directory(target)) {
    std::fprintf(stderr, "%s is already in %s (--force downloads it again)\n", source.name.c_str(),
                 home.c_str());
  } else {
    std::fprintf(stderr, "downloading %s\n", source.url.c_str());
    auto meter = std::make_shared<download_meter>();
    const auto folder = download_dataset(
        source, home, [meter](std::uint64_t now, std::uint64_t total) { meter->update(now, total); },
        a.force);
    meter->finish();
    std::fprintf(stderr, "checksum verified, unpacked into %s\n", folder.c_str());
  }
  std::printf("%s\n", target.c_str());
}

void run_list(const std::string& data_home) {
  const std::filesystem::path home = data_home_of(data_home);
  std::printf("%-16s %s\n", "name", ("in " + home.string()).c_str());
  for (const dataset_source& s : movielens_sources())
    std::printf("%-16s %s\n", s.name.c_str(), std::filesystem::is_directory(home / s.name) ? "yes" : "no");
}

std::string known_names() {
  std::string names;
  for (const dataset_source& s : movielens_sources()) names += (names.empty() ? "" : ", ") + s.name;
  return names;
}

void add_data_home_option(CLI::App& command, std::string& dir) {
  command.add_option("--data-home", dir,
                     "Folder for downloaded data sets (default: $AEREC_DATA_HOME, else "
                     "$XDG_CACHE_HOME/aerec, else ~/.cache/aerec)");
}

}  // namespace

void add_data_command(CLI::App& app) {
  CLI::App* data = app.add_subcommand("data", "Describe or download rating data sets");
  data->require_subcommand(1);

  auto info = std::make_shared<info_args>();
  CLI::App* info_cmd = data->add_subcommand("info", "Figures of a rating file or MovieLens folder");
  info_cmd
      ->add_option("path", info->data.data,
                   "A MovieLens folder, a ratings file, or the name of a downloaded set")
      ->required();
  add_format_options(*info_cmd, info->data);
  info_cmd->add_flag("--json", info->json_output, "Print JSON");
  info_cmd->callback([info] { run_info(*info); });

  auto split = std::make_shared<split_args>();
  CLI::App* split_cmd = data->add_subcommand(
      "split",
      "Write the parts of a split as CSV files (user,movie,rating; on the split last also order, each "
      "movie's place in its user's time order), as train would hold them out");
  add_data_options(*split_cmd, split->data);
  split_cmd->add_option("--split", split->split, split_help)->required();
  split_cmd->add_option("--seed", split->seed, "Seed of the random splits")->capture_default_str();
  split_cmd->add_option("--val", split->validation, "Validation fraction carved from the training part")
      ->capture_default_str();
  split_cmd->add_option("--out", split->out, "Folder to write train.csv, test-*.csv, validation-*.csv")
      ->required();
  split_cmd->callback([split] { run_split(*split); });

  auto download = std::make_shared<download_args>();
  CLI::App* download_cmd =
      data->add_subcommand("download", "Download a MovieLens data set from GroupLens, verify and unpack it");
  download_cmd->add_option("name", download->name, "One of: " + known_names())->required();
  add_data_home_option(*download_cmd, download->data_home);
  download_cmd->add_flag("--force", download->force, "Download again even if already there");
  download_cmd->callback([download] { run_download(*download); });

  auto list_home = std::make_shared<std::string>();
  CLI::App* list_cmd =
      data->add_subcommand("list", "The MovieLens data sets aerec can download, and which are there");
  add_data_home_option(*list_cmd, *list_home);
  list_cmd->callback([list_home] { run_list(*list_home); });
}

}  // namespace aerec::cli
