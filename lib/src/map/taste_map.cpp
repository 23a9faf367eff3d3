#include "aerec/map/taste_map.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <numeric>
#include <unordered_map>

#include "aerec/core/error.h"
#include "aerec/core/rng.h"
#include "aerec/data/implicit_feedback.h"
#include "aerec/map/model_codes.h"
#include "aerec/map/trustworthiness.h"
#include "aerec/plot/scatter_chart.h"
#include "map/nearest_neighbors.h"

namespace aerec {

namespace {

using genre_list = std::unordered_map<std::int32_t, std::vector<std::string>>;
constexpr const char* no_genre = "(no genre)";

// Each genre's share of `weights` (a weight per movie id).
std::map<std::string, double> genre_shares(const genre_list& genres,
                                           const std::unordered_map<std::int32_t, double>& weights) {
  std::map<std::string, double> share;
  double total = 0;
  for (const auto& [id, w] : weights) {
    const auto it = genres.find(id);
    if (it == genres.end()) continue;
    for (const std::string& g : it->second) share[g] += w;
    total += w;
  }
  for (auto& [g, v] : share) v = total > 0 ? v / total : 0;
  return share;
}

// A movie's rarest genre in the catalogue.
std::string distinctive_genre(const std::vector<std::string>& own,
                              const std::map<std::string, double>& catalogue) {
  const auto rarer = [&](const std::string& a, const std::string& b) {
    return catalogue.at(a) < catalogue.at(b);
  };
  return own.empty() ? no_genre : *std::min_element(own.begin(), own.end(), rarer);
}

// The genre most over-represented among a user's liked movies against
// everyone's (at least 3 of theirs in it); else the most frequent among theirs.
std::string favourite_genre(const genre_list& genres, std::span<const std::int32_t> movie_ids,
                            std::span<const float> values, const std::map<std::string, double>& everyone) {
  std::map<std::string, int> liked, rated;
  int liked_total = 0;
  for (std::size_t k = 0; k < movie_ids.size(); ++k) {
    const auto it = genres.find(movie_ids[k]);
    if (it == genres.end()) continue;
    for (const std::string& g : it->second) {
      ++rated[g];
      if (values[k] >= liked_rating) ++liked[g];
    }
    liked_total += values[k] >= liked_rating;
  }
  std::string best;
  double best_lift = 0;
  for (const auto& [g, count] : liked) {
    const double lift = count / static_cast<double>(liked_total) / std::max(everyone.at(g), 1e-9);
    if (count >= 3 && lift > best_lift) best = g, best_lift = lift;
  }
  if (!best.empty()) return best;
  const auto most = std::max_element(rated.begin(), rated.end(),
                                     [](const auto& a, const auto& b) { return a.second < b.second; });
  return most == rated.end() ? no_genre : most->first;
}

// Whether the model's rows are the subject's (users of a user-based model), or its columns.
bool rows_are(const model& m, map_subject subject) {
  return (m.meaning().rows == row_kind::users) == (subject == map_subject::users);
}

model_codes codes_of(model& m, map_subject subject, const dataset& data) {
  if (!rows_are(m, subject)) return column_codes(m);
  if (subject == map_subject::users) return row_codes(m, data.train, data.users, data.items);
  const dataset by_movie = transposed(data);
  return row_codes(m, by_movie.train, by_movie.users, by_movie.items);
}

std::string code_definition(const model& m, map_subject subject) {
  if (rows_are(m, subject))
    return subject == map_subject::users ? "a user's code: the model's code of their ratings"
                                         : "a movie's code: the model's code of its row (its ratings)";
  return subject == map_subject::movies ? "a movie's code: the model's code of a user whose only rating is "
                                          "that movie, at the top of the scale"
                                        : "a user's code: the model's code of a movie whose only rating is "
                                          "that user's, at the top of the scale";
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

double median_neighbor_distance(std::span<const float> places, int threads) {
  const map_detail::neighbor_lists nearest = map_detail::nearest_neighbors(places, 2, 1, threads);
  std::vector<double> distances;
  for (const double squared : nearest.distance) distances.push_back(std::sqrt(squared));
  return median(distances);
}

std::vector<float> rows_of(std::span<const float> m, int width, std::span<const std::size_t> which) {
  std::vector<float> out;
  for (const std::size_t i : which)
    out.insert(out.end(), m.begin() + static_cast<std::ptrdiff_t>(i * width),
               m.begin() + static_cast<std::ptrdiff_t>((i + 1) * width));
  return out;
}

// Trains the placer without a held-out share of the points and places them.
placer_check check_placer(backend& b, const model_codes& codes, std::span<const float> places,
                          const taste_map_options& o) {
  const std::size_t n = codes.ids.size();
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  rng random(o.tsne.seed);
  random.shuffle(std::span(order));
  placer_check check;
  check.held_out = static_cast<std::size_t>(std::ceil(o.held_out * static_cast<double>(n)));
  if (check.held_out <= 20 || check.held_out >= n) return {};  // too few for trustworthiness at 10
  const std::span<const std::size_t> held(order.data(), check.held_out),
      kept(order.data() + check.held_out, n - check.held_out);
  parametric_map placer = fit_parametric_map(b, rows_of(codes.codes, codes.size, kept), codes.size,
                                             rows_of(places, 2, kept), o.placer);
  const std::vector<float> held_codes = rows_of(codes.codes, codes.size, held);
  const std::vector<float> placed = placer.place(held_codes), truth = rows_of(places, 2, held);
  check.trustworthiness_at_10 = trustworthiness(held_codes, codes.size, placed, 2, 10, o.tsne.threads);
  std::vector<double> distances;
  for (std::size_t i = 0; i < held.size(); ++i)
    distances.push_back(std::hypot(placed[i * 2] - truth[i * 2], placed[i * 2 + 1] - truth[i * 2 + 1]));
  check.median_distance = median(distances);
  check.median_neighbor_distance = median_neighbor_distance(places, o.tsne.threads);
  return check;
}

// What a point shows besides its place, and how many ratings it has (the
// most rated are named on pictures).
struct point_facts {
  std::string label, group;
  double ratings = 0;
};
using facts_by_id = std::unordered_map<std::int32_t, point_facts>;

genre_list genres_of(const std::vector<movie>& movies) {
  genre_list genres;
  for (const movie& mv : movies) genres[mv.id] = mv.genres;
  return genres;
}

// For every rated movie, its count of ratings (`liked_only`: of liked_rating or more).
std::unordered_map<std::int32_t, double> rating_counts(const dataset& data, bool liked_only) {
  std::unordered_map<std::int32_t, double> counts;
  for (std::int32_t r = 0; r < data.train.rows(); ++r)
    for (std::size_t k = 0; k < data.train.row_cols(r).size(); ++k)
      if (!liked_only || data.train.row_values(r)[k] >= liked_rating)
        counts[data.items.id(data.train.row_cols(r)[k])] += 1;
  return counts;
}

// Every movie's title and most distinctive genre.
facts_by_id movie_facts(const std::vector<movie>& movies, const dataset& data) {
  const genre_list genres = genres_of(movies);
  std::unordered_map<std::int32_t, double> in_catalogue;
  for (const movie& mv : movies) in_catalogue[mv.id] = 1;
  const auto catalogue = genre_shares(genres, in_catalogue);
  facts_by_id facts;
  for (const movie& mv : movies) facts[mv.id] = {mv.title, distinctive_genre(mv.genres, catalogue), 0};
  for (const auto& [id, count] : rating_counts(data, false)) {
    auto [it, added] = facts.try_emplace(id, point_facts{"movie " + std::to_string(id), no_genre, 0});
    it->second.ratings = count;
  }
  return facts;
}

// Every user's favourite genre.
facts_by_id user_facts(const std::vector<movie>& movies, const dataset& data) {
  const genre_list genres = genres_of(movies);
  const auto everyone = genre_shares(genres, rating_counts(data, true));
  facts_by_id facts;
  for (std::int32_t r = 0; r < data.train.rows(); ++r) {
    std::vector<std::int32_t> ids;
    for (const std::int32_t c : data.train.row_cols(r)) ids.push_back(data.items.id(c));
    const std::int32_t user = data.users.id(r);
    facts[user] = {"user " + std::to_string(user),
                   favourite_genre(genres, ids, data.train.row_values(r), everyone),
                   static_cast<double>(ids.size())};
  }
  return facts;
}

// The index of a point's group in map.groups.
int group_index(const taste_map& map, const map_point& p) {
  return static_cast<int>(std::find(map.groups.begin(), map.groups.end(), p.group) - map.groups.begin());
}

}  // namespace

const char* map_subject_name(map_subject s) {
  switch (s) {
    case map_subject::movies:
      return "movies";
    case map_subject::users:
      return "users";
    case map_subject::images:
      return "images";
  }
  return "?";
}

map_subject parse_map_subject(const std::string& name) {
  for (const map_subject s : {map_subject::movies, map_subject::users, map_subject::images})
    if (name == map_subject_name(s)) return s;
  throw error(error_code::invalid_argument,
              "unknown map subject '" + name + "' (known: movies, users, images)");
}

namespace {

// A name for a point that has no facts.
std::string unknown_point(map_subject subject, std::int32_t id) {
  return std::string(subject == map_subject::movies  ? "movie "
                     : subject == map_subject::users ? "user "
                                                     : "image ") +
         std::to_string(id);
}

// The map of `codes`: t-SNE, the points with their facts, and the placer.
taste_map map_of(backend& b, map_subject subject, std::string definition, const model_codes& codes,
                 const facts_by_id& facts, const taste_map_options& o) {
  taste_map map{subject, std::move(definition), {}, {}, 0, 0, 0, {}, {}};
  const auto start = std::chrono::steady_clock::now();
  const tsne_result placed = tsne(codes.codes, codes.size, o.tsne);
  map.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  map.kl_divergence = placed.kl_divergence;
  map.trustworthiness_at_10 =
      trustworthiness(codes.codes, codes.size, placed.positions, 2, 10, o.tsne.threads);

  std::vector<std::pair<double, std::size_t>> by_ratings;
  std::map<std::string, std::size_t> group_sizes;
  for (std::size_t i = 0; i < codes.ids.size(); ++i) {
    const std::int32_t id = codes.ids[i];
    const auto known = facts.find(id);
    const point_facts f =
        known != facts.end() ? known->second : point_facts{unknown_point(subject, id), no_genre, 0};
    map_point p{id, placed.positions[i * 2], placed.positions[i * 2 + 1], f.label, f.group, false, {}};
    p.code.assign(codes.codes.begin() + static_cast<std::ptrdiff_t>(i * codes.size),
                  codes.codes.begin() + static_cast<std::ptrdiff_t>((i + 1) * codes.size));
    ++group_sizes[p.group];
    by_ratings.emplace_back(-f.ratings, i);
    map.points.push_back(std::move(p));
  }
  std::sort(by_ratings.begin(), by_ratings.end());
  // Only points with ratings are named: an image map names none.
  for (std::size_t k = 0; k < by_ratings.size() && k < static_cast<std::size_t>(o.labels); ++k)
    map.points[by_ratings[k].second].named = by_ratings[k].first < 0;
  for (const auto& [g, size] : group_sizes) map.groups.push_back(g);
  std::stable_sort(map.groups.begin(), map.groups.end(), [&](const std::string& l, const std::string& r) {
    return group_sizes[l] > group_sizes[r];
  });

  map.check = check_placer(b, codes, placed.positions, o);
  map.placer = fit_parametric_map(b, codes.codes, codes.size, placed.positions, o.placer);
  return map;
}

}  // namespace

taste_map build_taste_map(backend& b, model& m, map_subject subject, const dataset& data,
                          const std::vector<movie>& movies, const taste_map_options& o) {
  if (m.images() || subject == map_subject::images)
    throw error(error_code::invalid_argument,
                "an image model maps images (build_image_map), a recommender "
                "movies or users");
  const auto facts = subject == map_subject::movies ? movie_facts(movies, data) : user_facts(movies, data);
  return map_of(b, subject, code_definition(m, subject), codes_of(m, subject, data), facts, o);
}

taste_map build_image_map(backend& b, model& m, const image_set& images,
                          std::span<const std::string> label_names, const taste_map_options& o) {
  if (!m.images()) throw error(error_code::invalid_argument, "only an image model maps images");
  model_codes codes{m.network().code_size(), {}, m.network().encode(images.pixels)};
  facts_by_id facts;
  for (int i = 0; i < images.count; ++i) {
    codes.ids.push_back(i);
    const std::size_t label = images.labels.empty() ? 0 : images.labels[static_cast<std::size_t>(i)];
    const std::string name = label < label_names.size() ? label_names[label] : std::to_string(label);
    facts[i] = {name + " (test image " + std::to_string(i) + ")", name, 0};
  }
  return map_of(b, map_subject::images, "an image's code: the model's code layer for its pixels", codes,
                facts, o);
}

nlohmann::ordered_json map_json(const taste_map& map, bool with_codes) {
  nlohmann::ordered_json points = nlohmann::ordered_json::array();
  const char* kind = map.subject == map_subject::movies  ? "movie"
                     : map.subject == map_subject::users ? "user"
                                                         : "image";
  for (const map_point& p : map.points) {
    nlohmann::ordered_json j = {{"id", p.id}, {"kind", kind},     {"x", p.x},
                                {"y", p.y},   {"label", p.label}, {"group", p.group}};
    if (with_codes) j["code"] = p.code;
    points.push_back(std::move(j));
  }
  return {{"points", points},
          {"kl_divergence", map.kl_divergence},
          {"trustworthiness_at_10", map.trustworthiness_at_10},
          {"seconds", map.seconds},
          {"of", map_subject_name(map.subject)},
          {"code", map.code_definition},
          {"groups", map.groups},
          {"placer_check",
           {{"held_out", map.check.held_out},
            {"trustworthiness_at_10", map.check.trustworthiness_at_10},
            {"median_distance", map.check.median_distance},
            {"median_neighbor_distance", map.check.median_neighbor_distance}}}};
}

void write_map_picture(const std::string& path, const taste_map& map) {
  plot::scatter_data picture;
  picture.title = map.subject == map_subject::images
                      ? std::string("Test images by their codes, coloured by label")
                      : std::string("The taste map: ") + map_subject_name(map.subject) + " by " +
                            (map.subject == map_subject::movies ? "genre" : "favourite genre");
  picture.groups = map.groups;
  for (const map_point& p : map.points)
    picture.points.push_back({p.x, p.y, group_index(map, p), p.named ? p.label : std::string()});
  plot::write_scatter(path, picture);
}

nlohmann::ordered_json page_json(taste_map& map) {
  std::vector<std::int32_t> ids;
  std::vector<double> x, y;
  std::vector<int> group;
  const auto round = [](float v) { return std::round(static_cast<double>(v) * 100) / 100; };
  for (const map_point& p : map.points) {
    ids.push_back(p.id);
    x.push_back(round(p.x));
    y.push_back(round(p.y));
    group.push_back(group_index(map, p));
  }
  return {{"of", map_subject_name(map.subject)},
          {"code", map.code_definition},
          {"groups", map.groups},
          {"ids", ids},
          {"x", x},
          {"y", y},
          {"group", group},
          {"placer", map.placer->to_json()}};
}

}  // namespace aerec
