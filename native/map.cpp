// aerec map: a model's movies or users on a 2-D taste map (codes -> t-SNE),
// as JSON, pictures, and the demo page's map file; an image model's test
// images the same way, coloured by label.
#include <cstdio>

#include "aerec/data/image_set.h"
#include "aerec/data/movies.h"
#include "aerec/io/file_io.h"
#include "aerec/io/model_file.h"
#include "aerec/map/taste_map.h"
#include "aerec/plot/image_file.h"
#include "commands.h"
#include "data_source.h"
#include "output.h"
#include "run_cli.h"

namespace aerec::cli {

namespace {

struct map_args {
  std::string model, of, out, web, png, svg, device = "cpu";
  data_source data;
  bool with_codes = false;
  int images = 2000;
  taste_map_options options;
};

// A recommender's map of its movies or users.
taste_map recommender_map(backend& device, model& m, map_subject subject, map_args& a) {
  const json meta = json::parse(m.metadata(), nullptr, false);
  if (meta.is_object()) default_data_from_metadata(a.data, meta);
  const data_files files = resolve_data(a.data);
  const dataset data = load_dataset(files, {{split_kind::all, "", 0}, 0, 1});
  const std::vector<movie> movies = files.movies.empty() ? std::vector<movie>{} : read_movies(files.movies);
  return build_taste_map(device, m, subject, data, movies, a.options);
}

// An image model's map of the first --images test images of --data (default Fashion-MNIST).
taste_map image_map(backend& device, model& m, const map_args& a) {
  const image_data data = load_image_data(a.data.data.empty() ? "fashion-mnist" : a.data.data);
  if (data.test.pixels_per_image() != m.items().size())
    throw error(error_code::invalid_argument, data.name + "'s images have " +
                                                  std::to_string(data.test.pixels_per_image()) + " pixels; " +
                                                  a.model + " takes " + std::to_string(m.items().size()));
  return build_image_map(device, m, first_images(data.test, a.images), data.label_names, a.options);
}

void run(map_args& a) {
  const map_subject subject = parse_map_subject(a.of);
  for (const std::string& picture : {a.png, a.svg})  // a bad name stops before the work, not after it
    if (!picture.empty()) plot::format_of(picture);
  if (a.images < 1) throw error(error_code::invalid_argument, "--images must be 1 or more");
  const std::unique_ptr<backend> device = make_device(a.device, 1, false);
  model m = load_model(*device, a.model);
  if (m.images() != (subject == map_subject::images))
    throw error(error_code::invalid_argument,
                a.model + (m.images() ? " is an image model: map it --of images"
                                      : " is a recommender: map its movies or users"));
  taste_map map = m.images() ? image_map(*device, m, a) : recommender_map(*device, m, subject, a);
  write_json(a.out, map_json(map, a.with_codes));
  if (!a.web.empty()) write_file_atomic(a.web, page_json(map).dump() + "\n");
  for (const std::string& picture : {a.png, a.svg})
    if (!picture.empty()) write_map_picture(picture, map);
  std::printf("%zu %s mapped in %.1f s: KL %.4f, trustworthiness@10 %.4f\n", map.points.size(),
              map_subject_name(subject), map.seconds, map.kl_divergence, map.trustworthiness_at_10);
  if (map.check.held_out > 0)
    std::printf(
        "placer on %zu held-out %s: trustworthiness@10 %.4f, median %.2f from t-SNE's place "
        "(median nearest-neighbour distance %.2f)\n",
        map.check.held_out, map_subject_name(subject), map.check.trustworthiness_at_10,
        map.check.median_distance, map.check.median_neighbor_distance);
}

}  // namespace

void add_map_command(CLI::App& app) {
  auto args = std::make_shared<map_args>();
  CLI::App* cmd =
      app.add_subcommand("map", "A model's movies or users on a 2-D taste map (t-SNE of their codes)");
  cmd->add_option("model", args->model, "Model file written by aerec train")->required();
  cmd->add_option("--of", args->of, "movies or users (a recommender), or images (an image model)")
      ->required();
  cmd->add_option("--images", args->images, "An image model's map: how many test images, from the first")
      ->capture_default_str();
  add_data_options(*cmd, args->data);
  cmd->add_option("--out", args->out, "The map as JSON")->required();
  cmd->add_option("--web", args->web, "Also the demo page's compact map file, with the placer");
  cmd->add_option("--png", args->png, "The map as a PNG picture");
  cmd->add_option("--svg", args->svg, "The map as an SVG picture");
  cmd->add_flag("--with-codes", args->with_codes, "Each point's code in the JSON");
  tsne_options& t = args->options.tsne;
  cmd->add_option("--perplexity", t.perplexity, "t-SNE's perplexity")->capture_default_str();
  cmd->add_option("--iterations", t.iterations, "t-SNE's iterations")->capture_default_str();
  cmd->add_option("--seed", t.seed, "Seed of the map and its placer")->capture_default_str();
  cmd->add_option("--threads", t.threads, "CPU threads")->capture_default_str()->check(CLI::PositiveNumber);
  add_device_option(*cmd, args->device);
  cmd->callback([args] { run(*args); });
}

}  // namespace aerec::cli
