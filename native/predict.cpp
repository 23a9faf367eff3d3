// aerec predict: predictions for a new user from a few ratings (a ranking
// model's scores: the order is what they mean).
#include <charconv>
#include <cstdio>

#include "aerec/backend/cpu_backend.h"
#include "aerec/io/model_file.h"
#include "commands.h"
#include "model_kind.h"
#include "output.h"

namespace aerec::cli {

namespace {

struct predict_args {
  std::string model, ratings;
  bool json_output = false;
};

template <class T>
bool parse_whole(std::string_view text, T& value) {
  const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
  return result.ec == std::errc() && result.ptr == text.data() + text.size();
}

// "MOVIEID:RATING,MOVIEID:RATING,..."; an empty string is a user with no ratings.
std::vector<item_rating> parse_ratings(std::string_view text) {
  std::vector<item_rating> out;
  std::size_t position = 0;
  while (!text.empty()) {
    ++position;
    const std::size_t comma = text.find(',');
    const std::string_view pair = text.substr(0, comma);
    const std::size_t colon = pair.find(':');
    item_rating r{};
    if (colon == std::string_view::npos || !parse_whole(pair.substr(0, colon), r.item_id) ||
        !parse_whole(pair.substr(colon + 1), r.value))
      throw error(error_code::invalid_argument, "--ratings: item " + std::to_string(position) + " '" +
                                                    std::string(pair) + "' is not MOVIEID:RATING");
    out.push_back(r);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

void run(const predict_args& a) {
  const std::vector<item_rating> rated = parse_ratings(a.ratings);
  const std::unique_ptr<backend> device = make_cpu_backend(1);
  model m = load_model(*device, a.model);
  refuse_unless_user_model(m, a.model, "predict");
  const std::vector<float> predictions = m.predict(rated);
  const auto ids = m.items().ids();
  if (!a.json_output) {
    for (std::size_t i = 0; i < ids.size(); ++i)
      std::printf("%d\t%.4f\n", ids[i], static_cast<double>(predictions[i]));
    return;
  }
  json p = json::array();
  for (const float v : predictions) p.push_back(shortest(v));
  const json out = {{"item_ids", ids}, {"predictions", p}};
  std::printf("%s\n", out.dump().c_str());
}

}  // namespace

void add_predict_command(CLI::App& app) {
  auto args = std::make_shared<predict_args>();
  CLI::App* cmd =
      app.add_subcommand("predict",
                         "Predicted ratings of every movie for a new user given a few ratings (a ranking "
                         "model: its scores, which order the movies)");
  cmd->add_option("model", args->model, "Model file written by aerec train")->required();
  cmd->add_option("--ratings", args->ratings, "The user's ratings: \"MOVIEID:RATING,...\"")->required();
  cmd->add_flag("--json", args->json_output,
                "Print {\"item_ids\": [...], \"predictions\": [...]} (column order)");
  cmd->callback([args] { run(*args); });
}

}  // namespace aerec::cli
