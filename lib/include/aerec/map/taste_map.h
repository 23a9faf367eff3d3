#pragma once
// The taste map of a model: its movies' or users' codes (map/model_codes.h)
// placed by t-SNE, grouped by genre (a movie by its most distinctive genre,
// the rarest of its genres in the catalogue; a user by their favourite, the
// genre most over-represented among the movies they liked), with the
// trustworthiness of the map and a parametric placer checked on held-out points.
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "aerec/data/dataset.h"
#include "aerec/data/image_set.h"
#include "aerec/data/movies.h"
#include "aerec/map/fit_parametric_map.h"
#include "aerec/map/tsne.h"
#include "aerec/nn/model.h"

namespace aerec {

enum class map_subject { movies, users, images };
const char* map_subject_name(map_subject s);
// Throws error_code::invalid_argument naming the known subjects.
map_subject parse_map_subject(const std::string& name);

struct taste_map_options {
  tsne_options tsne;
  parametric_map_options placer;
  double held_out = 0.1;  // the share of points the placer is checked on
  int labels = 12;        // the most-rated points to name on pictures
};

struct map_point {
  std::int32_t id;
  float x, y;
  std::string label;  // a movie's title, "user 12"
  std::string group;  // a genre
  bool named;         // among the most rated, named on pictures
  std::vector<float> code;
};

// The placer trained without some points, placing them.
struct placer_check {
  std::size_t held_out = 0;
  double trustworthiness_at_10 = 0;  // of its places for the held-out points
  double median_distance = 0;        // from where t-SNE put them
  double median_neighbor_distance =
      0;  // on the map, between a point and its nearest: the scale to read it by
};

struct taste_map {
  map_subject subject;
  std::string code_definition;
  std::vector<map_point> points;
  std::vector<std::string> groups;  // by size, largest first
  double kl_divergence = 0, trustworthiness_at_10 = 0, seconds = 0;
  placer_check check;
  std::optional<parametric_map> placer;  // trained on every point
};

// `data` in the model's own orientation is not needed: rows and columns are
// matched by id. Throws error_code::invalid_argument for too few points for
// the perplexity, or an image model.
taste_map build_taste_map(backend& b, model& m, map_subject subject, const dataset& data,
                          const std::vector<movie>& movies, const taste_map_options& options = {});
// An image model's map of `images` (ids: their indices), grouped by label
// (named by `label_names`), the visualisation the autoencoder literature
// shows: codes -> t-SNE -> 2-D. Throws error_code::invalid_argument for a
// recommender, or too few images for the perplexity.
taste_map build_image_map(backend& b, model& m, const image_set& images,
                          std::span<const std::string> label_names, const taste_map_options& options = {});

// {"points": [{id, kind, x, y, label, group, code?}], "kl_divergence",
// "trustworthiness_at_10", "seconds", ...}
nlohmann::ordered_json map_json(const taste_map& map, bool with_codes);
// The map as a picture (an .svg or a .png by the extension): points coloured
// by group, with a legend, the most rated named.
void write_map_picture(const std::string& path, const taste_map& map);

// The demo page's compact form: ids, places to 0.01, group indices, the placer.
nlohmann::ordered_json page_json(taste_map& map);

}  // namespace aerec
