// aerec recommend: the movies a known user is predicted to like most; with
// --next, the movies a sequence model predicts a person watches next after
// the ones they rated, in the order given.
#include <cstdio>
#include <unordered_map>

#include "aerec/data/movies.h"
#include "aerec/io/model_file.h"
#include "commands.h"
#include "data_source.h"
#include "model_kind.h"
#include "output.h"
#include "ratings_arg.h"
#include "run_cli.h"

namespace aerec::cli {

namespace {

struct recommend_args {
  std::string model, split = "all", device = "cpu";
  data_source data;
  std::int32_t user = 0;
  std::size_t k = 10;
  bool json_output = false;
  bool next = false;
  std::string ratings;  // with --next: the person's ratings, in the order given
};

// The user's ratings in `split`'s training part, by movie id.
std::vector<item_rating> user_ratings(const dataset& data, std::int32_t user_id) {
  const std::int32_t row = data.users.index_of(user_id, "user");
  std::vector<item_rating> out;
  const auto cols = data.train.row_cols(row);
  const auto values = data.train.row_values(row);
  for (std::size_t k = 0; k < cols.size(); ++k) out.push_back({data.items.id(cols[k]), values[k]});
  return out;
}

// The movies' titles by id, where the data has them.
std::unordered_map<std::int32_t, movie> titles_of(const data_files& files) {
  std::unordered_map<std::int32_t, movie> movies;
  if (!files.movies.empty())
    for (movie& mv : read_movies(files.movies)) movies.emplace(mv.id, std::move(mv));
  return movies;
}

void print_top(const std::vector<recommendation>& top, const std::unordered_map<std::int32_t, movie>& movies,
               bool json_output) {
  json out = json::array();
  for (std::size_t i = 0; i < top.size(); ++i) {
    const auto it = movies.find(top[i].item_id);
    const std::string title = it == movies.end() ? "(unknown title)" : it->second.title;
    if (json_output) {
      out.push_back(
          {{"item_id", top[i].item_id}, {"title", title}, {"score", shortest_decimal(top[i].score)}});
    } else {
      std::printf("%3zu. %.2f  %s  (movie %d)\n", i + 1, static_cast<double>(top[i].score), title.c_str(),
                  top[i].item_id);
    }
  }
  if (json_output) std::printf("%s\n", out.dump(2).c_str());
}

void run_next(const recommend_args& a, model& m) {
  if (!m.sequences())
    throw error(error_code::invalid_argument,
                a.model + ": --next needs a sequence model (aerec train --preset seq2seq); this one is not");
  const std::vector<item_rating> history = parse_ratings(a.ratings);
  // The person's ratings are all it needs: titles come from --data when given.
  const auto titles =
      a.data.data.empty() ? std::unordered_map<std::int32_t, movie>{} : titles_of(resolve_data(a.data));
  print_top(m.next_items(history, a.k), titles, a.json_output);
}

void run(const recommend_args& a) {
  const std::unique_ptr<backend> device = make_device(a.device, 1, false);
  model m = load_model(*device, a.model);
  if (a.next) return run_next(a, m);
  if (a.user == 0 || !a.ratings.empty())
    throw error(error_code::invalid_argument, "aerec recommend takes --user ID, or --next with --ratings");
  refuse_unless_user_model(m, a.model, "recommend");
  const data_files files = resolve_data(a.data);
  const dataset data = load_dataset(files, {parse_split(a.split), 0, 1});
  print_top(m.recommend(user_ratings(data, a.user), a.k), titles_of(files), a.json_output);
}

}  // namespace

void add_recommend_command(CLI::App& app) {
  auto args = std::make_shared<recommend_args>();
  CLI::App* cmd =
      app.add_subcommand("recommend", "Top movies for a user of the data set, excluding those they rated");
  cmd->add_option("model", args->model, "Model file written by aerec train")->required();
  add_data_options(*cmd, args->data);
  cmd->add_option("--user", args->user, "MovieLens user id");
  cmd->add_flag("--next", args->next,
                "A sequence model's next movies after --ratings, taken in the order given (aerec train "
                "--preset seq2seq)");
  cmd->add_option("--ratings", args->ratings, "With --next: \"MOVIEID:RATING,...\" in the order rated");
  cmd->add_option("-k", args->k, "How many movies")->capture_default_str()->check(CLI::PositiveNumber);
  cmd->add_option("--split", args->split,
                  "Whose ratings are the user's: the training part of this split (default: all)")
      ->capture_default_str();
  cmd->add_flag("--json", args->json_output, "Print JSON");
  add_device_option(*cmd, args->device);
  cmd->callback([args] { run(*args); });
}

}  // namespace aerec::cli
