// aerec map: a model's movies and users on a taste map, end to end, on a
// small MovieLens-100K-style folder that the test writes (60 users, 40 movies
// in two tastes: even users like even movies).
#include <catch2/catch.hpp>
#include <cmath>
#include <nlohmann/json.hpp>

#include "cli/cli_runner.h"
#include "temp_dir.h"

using json = nlohmann::json;
using namespace aerec::testing;

namespace {

struct map_data {
  temp_dir dir;
  std::string path, model;

  map_data() {
    std::string ratings, items;
    for (int u = 1; u <= 60; ++u)
      for (int m = 1; m <= 40; ++m)
        if ((u * 7 + m * 3) % 4 != 0) {
          const int rating = (u % 2 == m % 2) ? 4 + (u + m) % 2 : 1 + (u * m) % 2;
          ratings +=
              std::to_string(u) + "\t" + std::to_string(m) + "\t" + std::to_string(rating) + "\t881250949\n";
        }
    for (int m = 1; m <= 40; ++m)
      items += std::to_string(m) + "|Movie " + std::to_string(m) + " (1995)|01-Jan-1995||http://x|0|" +
               (m % 2 ? "1|0" : "0|1") + "\n";
    dir.write("u.data", ratings);
    dir.write("u.item", items);
    dir.write("u.genre", "unknown|0\nAction|1\nDrama|2\n");
    path = dir.path().string();
    model = (dir.path() / "model.aerec").string();
    const result r =
        run_aerec("train --data " + path + " --split all --preset seed-fixed --epochs 5 --out " + model);
    INFO(r.err);
    REQUIRE(r.code == 0);
  }
};

const map_data& data() {
  static map_data d;
  return d;
}

json map_of(const std::string& of, const std::string& extra = "") {
  const auto out = data().dir.path() / ("map-" + of + ".json");
  const result r = run_aerec("map " + data().model + " --of " + of +
                             " --perplexity 5 --iterations 300 --out " + out.string() + " " + extra);
  INFO(r.err);
  REQUIRE(r.code == 0);
  return json::parse(read(out));
}

}  // namespace

TEST_CASE("aerec map places every movie, named and grouped by genre, with the map's figures", "[cli][map]") {
  const json map = map_of("movies", "--with-codes");
  REQUIRE(map["points"].size() == 40);
  for (const json& p : map["points"]) {
    REQUIRE(p["kind"] == "movie");
    REQUIRE(std::isfinite(p["x"].get<double>()));
    REQUIRE(std::isfinite(p["y"].get<double>()));
    REQUIRE(p["label"] == "Movie " + std::to_string(p["id"].get<int>()) + " (1995)");
    REQUIRE(p["group"] == (p["id"].get<int>() % 2 ? "Action" : "Drama"));
    REQUIRE(p["code"].size() == 10);  // seed-fixed: items-20-10-20-items
  }
  REQUIRE(map["kl_divergence"].get<double>() > 0);
  const double trust = map["trustworthiness_at_10"].get<double>();
  REQUIRE(trust > 0.5);
  REQUIRE(trust <= 1);
  REQUIRE(map["seconds"].get<double>() >= 0);
  REQUIRE(map["code"].get<std::string>().find("only rating is that movie") != std::string::npos);
}

TEST_CASE("aerec map draws the map as PNG and SVG", "[cli][map]") {
  const auto png = data().dir.path() / "map.png", svg = data().dir.path() / "map.svg";
  map_of("movies", "--png " + png.string() + " --svg " + svg.string());
  const std::string png_bytes = read(png), svg_text = read(svg);
  REQUIRE(png_bytes.substr(1, 3) == "PNG");
  REQUIRE(svg_text.find("<svg") != std::string::npos);
  REQUIRE(svg_text.find("Drama") != std::string::npos);  // the legend
  const auto bad = data().dir.path() / "map.gif";
  const result r = run_aerec("map " + data().model + " --of movies --perplexity 5 --out " +
                             (data().dir.path() / "not-written.json").string() + " --png " + bad.string());
  REQUIRE(r.code == 2);
  REQUIRE_FALSE(std::filesystem::exists(data().dir.path() / "not-written.json"));
}

TEST_CASE("aerec map places users by their favourite genre, and writes the page's file with a placer",
          "[cli][map]") {
  const auto web = data().dir.path() / "taste-map.json";
  const json map = map_of("users", "--web " + web.string());
  REQUIRE(map["points"].size() == 60);
  for (const json& p : map["points"]) {
    REQUIRE(p["kind"] == "user");
    REQUIRE_FALSE(p.contains("code"));
    // Even users love the even (Drama) movies.
    REQUIRE(p["group"] == (p["id"].get<int>() % 2 ? "Action" : "Drama"));
  }
  const json page = json::parse(read(web));
  REQUIRE(page["ids"].size() == 60);
  REQUIRE(page["x"].size() == 60);
  REQUIRE(page["placer"]["code_size"] == 10);
}

TEST_CASE("aerec map refuses an unknown subject and too few points, writing nothing", "[cli][map]") {
  const auto out = data().dir.path() / "refused.json";
  result r = run_aerec("map " + data().model + " --of genres --out " + out.string());
  REQUIRE(r.code == 2);
  REQUIRE(r.err.find("unknown map subject 'genres' (known: movies, users, images)") != std::string::npos);
  r = run_aerec("map " + data().model + " --of movies --out " + out.string());  // perplexity 30: 92 points
  REQUIRE(r.code == 2);
  REQUIRE(r.err.find("40 points are too few for perplexity") != std::string::npos);
  REQUIRE_FALSE(std::filesystem::exists(out));
}

TEST_CASE(
    "aerec place puts a user who loved one movie where the map has that movie, and refuses a map that "
    "is not one",
    "[cli][map]") {
  const auto web = data().dir.path() / "movie-map.json";
  const json map = map_of("movies", "--web " + web.string());
  // A movie's code is that of a user who loved just it, and the placer learned every movie's place
  // (regularised, so only roughly): such a user lands nearer that movie than most movies are.
  const auto distance = [](const json& p, double x, double y) {
    return std::hypot(p["x"].get<double>() - x, p["y"].get<double>() - y);
  };
  for (const json& p : map["points"]) {
    if (p["id"] != 2 && p["id"] != 7) continue;
    const result r = run_aerec("place " + data().model + " --map " + web.string() + " --ratings " +
                               std::to_string(p["id"].get<int>()) + ":4 --json");
    INFO(r.err);
    REQUIRE(r.code == 0);
    const json place = json::parse(r.out);
    const double x = place["x"].get<double>(), y = place["y"].get<double>();
    std::size_t nearer = 0;
    for (const json& q : map["points"]) nearer += distance(q, x, y) < distance(p, x, y);
    REQUIRE(nearer < map["points"].size() / 4);
  }

  data().dir.write("not-a-map.json", "{\"ids\": [1, 2]}");
  const result foreign = run_aerec("place " + data().model + " --map " +
                                   (data().dir.path() / "not-a-map.json").string() + " --ratings 2:4");
  REQUIRE(foreign.code != 0);
  REQUIRE(foreign.err.find("not-a-map.json: not a taste map of `aerec map --web` (no placer)") !=
          std::string::npos);
  const result missing = run_aerec("place " + data().model + " --map " +
                                   (data().dir.path() / "absent.json").string() + " --ratings 2:4");
  REQUIRE(missing.code != 0);
  REQUIRE(missing.err.find("absent.json") != std::string::npos);
}
