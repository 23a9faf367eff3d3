// aerec predict: predictions for a new user from a few ratings (a ranking
// model's scores: the order is what they mean).
#include <cstdio>

#include "aerec/io/model_file.h"
#include "commands.h"
#include "model_kind.h"
#include "output.h"
#include "ratings_arg.h"
#include "run_cli.h"

namespace aerec::cli {

namespace {

struct predict_args {
  std::string model, ratings, device = "cpu";
  bool json_output = false;
};

void run(const predict_args& a) {
  const std::vector<item_rating> rated = parse_ratings(a.ratings);
  const std::unique_ptr<backend> device = make_device(a.device, 1, false);
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
  for (const float v : predictions) p.push_back(shortest_decimal(v));
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
  add_device_option(*cmd, args->device);
  cmd->callback([args] { run(*args); });
}

}  // namespace aerec::cli
