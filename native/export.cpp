// aerec export: what the in-browser demo needs: the models (a rating model, and
// a ranking model beside it) without training state, and the title, year, genres and rating count of
// each of its movies; or (--out) just the model file. Either with its weights
// in any encoding (--weights), which the library does.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <unordered_map>

#include "aerec/core/error.h"
#include "aerec/data/movies.h"
#include "aerec/io/file_io.h"
#include "aerec/io/model_file.h"
#include "aerec/io/weight_encoding.h"
#include "commands.h"
#include "data_source.h"
#include "model_kind.h"
#include "output.h"
#include "run_cli.h"

namespace aerec::cli {

namespace {

namespace fs = std::filesystem;

struct export_args {
  std::vector<std::string> models;
  std::string web, out, weights = weight_encoding_name(weight_encoding::f32), device = "cpu";
  data_source data;
};

// How often each model column is rated in the whole rating file, and the sum.
struct column_ratings {
  std::vector<std::size_t> count;
  std::vector<double> sum;
};

column_ratings count_ratings(const data_files& files, const id_map& columns) {
  format_spec format = files.format;
  format.keep_timestamps = false;  // counts and means need none
  const rating_table table = read_ratings(files.ratings, format);
  const auto n = static_cast<std::size_t>(columns.size());
  column_ratings out{std::vector<std::size_t>(n), std::vector<double>(n)};
  for (std::size_t i = 0; i < table.size(); ++i)
    if (const auto column = columns.find(table.items[i])) {
      const auto c = static_cast<std::size_t>(*column);
      ++out.count[c];
      out.sum[c] += static_cast<double>(table.values[i]);
    }
  return out;
}

// The demo shows titles, so data without a movies file cannot be exported.
std::unordered_map<std::int32_t, movie> movies_by_id(const data_files& files) {
  if (files.movies.empty())
    throw error(error_code::io_error,
                fs::absolute(files.ratings).parent_path().string() +
                    ": no movies file (u.item, movies.dat or movies.csv); the web demo needs titles");
  std::unordered_map<std::int32_t, movie> out;
  for (movie& mv : read_movies(files.movies)) out.emplace(mv.id, std::move(mv));
  return out;
}

// Two decimals are all the demo shows, and they keep movies.json small.
double rounded_mean(double sum, std::size_t count) {
  return count == 0 ? 0.0 : std::round(sum / static_cast<double>(count) * 100) / 100;
}

// One entry per model column, in column order; movies the movies file lacks
// get a placeholder title (and a note).
json movie_entries(const id_map& columns, const data_files& files) {
  const column_ratings rated = count_ratings(files, columns);
  const std::unordered_map<std::int32_t, movie> movies = movies_by_id(files);
  json out = json::array();
  std::size_t missing = 0;
  for (std::int32_t column = 0; column < columns.size(); ++column) {
    const std::int32_t id = columns.id(column);
    const auto c = static_cast<std::size_t>(column);
    const auto it = movies.find(id);
    json entry = {{"id", id}};
    if (it == movies.end()) {
      ++missing;
      entry.update({{"title", "Movie " + std::to_string(id)}, {"year", 0}, {"genres", json::array()}});
    } else {
      entry.update({{"title", it->second.title}, {"year", it->second.year}, {"genres", it->second.genres}});
    }
    entry.update({{"ratings", rated.count[c]}, {"mean", rounded_mean(rated.sum[c], rated.count[c])}});
    out.push_back(std::move(entry));
  }
  if (missing > 0)
    std::fprintf(stderr, "aerec: note: %zu of the model's %d movies are not in %s; titled \"Movie <id>\"\n",
                 missing, columns.size(), files.movies.string().c_str());
  return out;
}

void make_folder(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw error(error_code::io_error, dir.string() + ": cannot create the folder: " + ec.message());
}

void report_written(const fs::path& path) {
  std::printf("wrote %s (%s bytes)\n", path.string().c_str(), thousands(fs::file_size(path)).c_str());
}

// The page's names: its rating model (the stars) is model.aerec, as a lone
// model of either kind is; a ranking model beside it is ranking.aerec.
const char* web_name(const model& m, std::size_t count) {
  return count > 1 && m.ranks() ? "ranking.aerec" : "model.aerec";
}

// Two models for one page: a ranking and a rating model of the same movies.
void check_pair(const std::vector<model>& ms, const std::vector<std::string>& paths) {
  if (ms.size() < 2) return;
  if (ms[0].ranks() == ms[1].ranks())
    throw error(error_code::invalid_argument, paths[0] + ", " + paths[1] + ": both " +
                                                  (ms[0].ranks() ? "rank" : "predict ratings") +
                                                  "; export a ranking model with a rating model");
  const auto a = ms[0].items().ids();
  const auto b = ms[1].items().ids();
  if (!std::equal(a.begin(), a.end(), b.begin(), b.end()))
    throw error(error_code::invalid_argument, paths[0] + ", " + paths[1] +
                                                  ": the models have different movies; train them on the "
                                                  "same data and split");
}

void run(export_args a) {
  const weight_encoding weights = parse_weight_encoding(a.weights);
  if (a.web.empty() && a.out.empty())
    throw error(error_code::invalid_argument, "export: give --web DIR or --out FILE");
  if (!a.out.empty() && a.models.size() > 1)
    throw error(error_code::invalid_argument, "export --out writes one model; give --web DIR for two");
  // Quiet: nothing computes here, so no note that it computes on a GPU.
  const std::unique_ptr<backend> device = make_device(a.device, 1, true);
  std::vector<model> ms;
  for (const std::string& path : a.models) ms.push_back(load_model(*device, path));
  if (!a.out.empty()) {
    write_file_atomic(a.out, serialize_model(ms[0], weights));  // drops a checkpoint's training state
    report_written(a.out);
    return;
  }
  for (std::size_t i = 0; i < ms.size(); ++i) refuse_unless_user_model(ms[i], a.models[i], "export --web");
  check_pair(ms, a.models);
  default_data_from_metadata(a.data, json::parse(ms[0].metadata(), nullptr, false));
  const data_files files = resolve_data(a.data);
  const json movies = {{"data", files.name}, {"movies", movie_entries(ms[0].items(), files)}};
  std::vector<std::pair<fs::path, std::string>> written;
  for (model& m : ms)
    written.emplace_back(fs::path(a.web) / web_name(m, ms.size()), serialize_model(m, weights));
  written.emplace_back(fs::path(a.web) / "movies.json", movies.dump());
  // Only now, with every input read and checked, is anything written: bad
  // input leaves no folder or file behind.
  make_folder(a.web);
  for (const auto& [path, bytes] : written) {
    write_file_atomic(path, bytes);
    report_written(path);
  }
}

}  // namespace

void add_export_command(CLI::App& app) {
  auto args = std::make_shared<export_args>();
  CLI::App* cmd = app.add_subcommand(
      "export", "Write what the web demo needs: the models and their movies' titles and rating counts");
  cmd->add_option("model", args->models,
                  "Model file (or checkpoint) written by aerec train; for --web, a ranking model and a "
                  "rating model of the same movies may go together")
      ->required()
      ->expected(1, 2);
  CLI::Option* web =
      cmd->add_option("--web", args->web,
                      "Folder to write model.aerec (and ranking.aerec, for a ranking model beside a rating "
                      "model) and movies.json into (made if needed)");
  cmd->add_option("--out", args->out, "Write just the model file, to FILE (any model)")->excludes(web);
  cmd->add_option("--weights", args->weights,
                  "How the file stores its weight matrices: f32 (exact), f16 (half precision) or q8 "
                  "(8-bit integers with a scale per row)")
      ->capture_default_str();
  add_data_options(*cmd, args->data);
  add_device_option(*cmd, args->device);
  cmd->footer(
      "One of --web and --out. --data (--web only) defaults to the data the model was trained on (from its "
      "metadata). Export runs no model: --device is only where the models are read into, and so checked "
      "to load.");
  cmd->callback([args] { run(*args); });
}

}  // namespace aerec::cli
