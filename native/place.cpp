// aerec place: where a new user sits on a taste map (the page file `aerec map
// --web` writes), from a few ratings, by the map's placer: what the demo page
// does for its visitor, without the map's t-SNE.
#include <cstdio>
#include <span>

#include "aerec/core/error.h"
#include "aerec/data/implicit_feedback.h"
#include "aerec/io/file_io.h"
#include "aerec/io/model_file.h"
#include "aerec/map/place_user.h"
#include "commands.h"
#include "model_kind.h"
#include "output.h"
#include "ratings_arg.h"
#include "run_cli.h"

namespace aerec::cli {

namespace {

struct place_args {
  std::string model, map, ratings, device = "cpu";
  bool json_output = false;
};

void run(const place_args& a) {
  const std::vector<item_rating> rated = parse_ratings(a.ratings);
  const std::unique_ptr<backend> device = make_device(a.device, 1, false);
  model m = load_model(*device, a.model);
  refuse_unless_user_model(m, a.model, "place");
  parametric_map placer = page_placer(*device, read_file(a.map), a.map);
  const std::span<const item_rating> row(rated);
  const auto place = place_user(placer, m, m.to_batch(std::span(&row, 1)));
  if (!place)
    throw error(
        error_code::invalid_argument,
        "--ratings: the model sees none of these ratings (a ranking model places a user by the movies "
        "rated " +
            std::to_string(static_cast<int>(liked_rating)) + " or more)");
  if (a.json_output)
    std::printf(
        "%s\n",
        json{{"x", shortest_decimal((*place)[0])}, {"y", shortest_decimal((*place)[1])}}.dump().c_str());
  else
    std::printf("%.6f\t%.6f\n", static_cast<double>((*place)[0]), static_cast<double>((*place)[1]));
}

}  // namespace

void add_place_command(CLI::App& app) {
  auto args = std::make_shared<place_args>();
  CLI::App* cmd = app.add_subcommand(
      "place",
      "Where a new user sits on a taste map (aerec map --web's file), from a few ratings: \"x<TAB>y\"");
  cmd->add_option("model", args->model, "The model the map was made from")->required();
  cmd->add_option("--map", args->map, "The map's page file, written by aerec map --web")->required();
  cmd->add_option("--ratings", args->ratings, "The user's ratings: \"MOVIEID:RATING,...\"")->required();
  cmd->add_flag("--json", args->json_output, "Print {\"x\": ..., \"y\": ...}");
  add_device_option(*cmd, args->device);
  cmd->callback([args] { run(*args); });
}

}  // namespace aerec::cli
