// Pictures: round-number axes, line and scatter charts as PNG (decoded back
// by cairo, their colours found in the pixels) and SVG (parsed as XML, their
// labels in it), the format by extension, failed writes that leave no file,
// training curves from a run's history, and grids of small images.
#include <catch2/catch.hpp>
#include <cmath>
#include <regex>

#include "aerec/core/error.h"
#include "aerec/plot/image_file.h"
#include "aerec/plot/image_grid.h"
#include "aerec/plot/line_chart.h"
#include "aerec/plot/scatter_chart.h"
#include "aerec/plot/training_curves.h"
#include "expect_error.h"
#include "plot/axes.h"
#include "plot/drawing.h"
#include "plot/palette.h"
#include "plot_files.h"
#include "temp_dir.h"

using namespace aerec;
using namespace aerec::plot;
using namespace aerec::testing;

namespace {

line_data two_curves() {
  line_data d{"Rating error by epoch", "epoch", "RMSE", {}};
  line_series train{"train_rmse (run A)", {}, {}};
  line_series validation{"validation_rmse (run A)", {}, {}, -1, dash::dashed};
  for (int e = 1; e <= 40; ++e) {
    train.x.push_back(e);
    train.y.push_back(0.8 + 0.5 / e);
    validation.x.push_back(e);
    validation.y.push_back(0.9 + 0.4 / e + 0.002 * e);
  }
  d.series = {train, validation};
  return d;
}

// `n` points in three blobs, of 60%, 30% and 10% of them, and two labelled points.
scatter_data three_blobs(int n) {
  scatter_data d{"Taste map", {"Comedy", "Drama & Romance", "Horror"}, {}};
  for (int i = 0; i < n; ++i) {
    const int group = i % 10 < 6 ? 0 : i % 10 < 9 ? 1 : 2;
    const float angle = float(i) * 2.399963f, radius = std::sqrt(float(i % 997) / 997.0f) * 8;
    const float centre = float(group);
    d.points.push_back(
        {centre * 20 + radius * std::cos(angle), centre * 5 + radius * std::sin(angle), group, ""});
  }
  d.points[0].label = "Toy Story (1995)";
  d.points[9].label = "Scream <1996>";
  return d;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("plot axes: ticks at round numbers, labelled with the decimals they need", "[plot]") {
  const axis a = nice_axis(0.83, 1.27, 6, 0);
  REQUIRE(a.ticks.size() >= 3);
  CHECK(a.ticks.front() == Approx(0.9));
  CHECK(a.ticks[1] - a.ticks[0] == Approx(0.1));
  CHECK(a.label(a.ticks.front()) == "0.9");
  CHECK(a.lo <= 0.83);
  CHECK(a.hi >= 1.27);

  const axis epochs = nice_axis(1, 3, 8, 0.03, true);
  CHECK(epochs.ticks == std::vector<double>{1, 2, 3});
  CHECK(epochs.label(2) == "2");

  const axis wide = nice_axis(-1234, 56789, 6, 0);
  CHECK(wide.ticks.size() <= 6);
  CHECK(wide.label(wide.ticks[1]).find('.') == std::string::npos);

  const axis one = nice_axis(0.9, 0.9, 5, 0);  // a single value is widened around it
  CHECK(one.lo < 0.9);
  CHECK(one.hi > 0.9);
  CHECK(!one.ticks.empty());
}

TEST_CASE("plot text: invalid UTF-8 shown as U+FFFD, control characters dropped", "[plot]") {
  CHECK(clean_utf8("Amélie") == "Amélie");
  CHECK(clean_utf8("a\xFF"
                   "b") ==
        "a\xEF\xBF\xBD"
        "b");
  CHECK(clean_utf8("tab\there\x01") == "tabhere");
  CHECK(clean_utf8("cut \xC3") == "cut \xEF\xBF\xBD");
  CHECK(text_width("Drama", 12) > text_width("Dr", 12));
  CHECK(text_width("Drama", 12, true) > text_width("Drama", 12));
}

TEST_CASE("plot: a line chart as PNG decodes, showing each series' colour", "[plot]") {
  temp_dir dir;
  const auto path = dir.path() / "curves.png";
  write_lines(path.string(), two_curves());
  const decoded_png png = read_png(path);
  CHECK(png.width >= 600);
  CHECK(png.height >= 400);
  CHECK(png.has(tableau10[0]));
  CHECK(png.has(tableau10[1]));
  CHECK(png.has(rgb(0xFFFFFF)));
  CHECK(!png.has(tableau10[2]));
}

TEST_CASE("plot: a line chart as SVG is XML holding its title, axes' names and labels", "[plot]") {
  temp_dir dir;
  const auto path = dir.path() / "curves.svg";
  line_data d = two_curves();
  d.series[1].label = "validation <A & B>";
  write_lines(path.string(), d);
  CHECK(parses_as_xml(path));
  const std::string svg = read_text(path);
  CHECK(contains(svg, "Rating error by epoch"));
  CHECK(contains(svg, ">epoch<"));
  CHECK(contains(svg, ">RMSE<"));
  CHECK(contains(svg, "train_rmse (run A)"));
  CHECK(contains(svg, "validation &lt;A &amp; B&gt;"));
  CHECK(contains(svg, "#4e79a7"));
  CHECK(contains(svg, "stroke-dasharray"));
}

TEST_CASE("plot: charts side by side, with gaps, single points and no series", "[plot]") {
  temp_dir dir;
  const double nan = std::nan("");
  const std::vector<line_data> charts = {
      two_curves(),
      {"gappy", "x", "y", {{"a", {1, 2, 3, 4, 5}, {1, nan, 3, 4, 2}}, {"lone", {1}, {2}}}},
      {"empty", "", "", {}},
  };
  const auto png = dir.path() / "three.png";
  write_lines(png.string(), charts);
  const decoded_png wide = read_png(png);
  write_lines(png.string(), charts[0]);
  CHECK(wide.width > 2 * read_png(png).width);
  const auto svg = dir.path() / "three.svg";
  write_lines(svg.string(), charts);
  CHECK(parses_as_xml(svg));
}

TEST_CASE("plot: a fixed y range cuts the lines that leave it at its edges", "[plot]") {
  temp_dir dir;
  const auto path = dir.path() / "cut.svg";
  line_data d{"cut", "x", "y", {{"spike", {1, 2, 3, 4, 5}, {0.5, 100, 0.6, -50, 0.8}}}};
  d.y_min = 0;
  d.y_max = 1;
  write_lines(path.string(), d);
  CHECK(parses_as_xml(path));
  const std::string svg = read_text(path);
  const std::regex polyline("<polyline[^>]*points=\"([^\"]*)\"");
  const std::regex number("-?[0-9.]+");
  std::size_t pieces = 0;
  double lowest = 1e9, highest = -1e9;
  for (auto m = std::sregex_iterator(svg.begin(), svg.end(), polyline); m != std::sregex_iterator(); ++m) {
    const std::string points = (*m)[1];
    if (points.find(' ') == std::string::npos) continue;
    ++pieces;
    int i = 0;
    for (auto n = std::sregex_iterator(points.begin(), points.end(), number); n != std::sregex_iterator();
         ++n)
      if (i++ % 2 == 1)
        lowest = std::min(lowest, std::stod(n->str())), highest = std::max(highest, std::stod(n->str()));
  }
  CHECK(pieces > 3);   // the grid's lines, the axes, and the series in pieces
  CHECK(lowest >= 0);  // nothing drawn above the picture
  CHECK(highest <= 500);
}

TEST_CASE("plot: a series whose x and y differ in length is refused", "[plot]") {
  temp_dir dir;
  const auto path = dir.path() / "bad.svg";
  const auto e = error_from([&] { write_lines(path.string(), {"t", "", "", {{"short", {1, 2}, {1}}}}); });
  REQUIRE(e);
  CHECK(e->code() == error_code::invalid_argument);
  CHECK_THAT(e->what(), Catch::Contains("short"));
  CHECK(!std::filesystem::exists(path));
}

TEST_CASE("plot: the format is the extension's, and another or an unwritable path leaves no file", "[plot]") {
  CHECK(format_of("a/b.SVG") == image_format::svg);
  CHECK(format_of("b.png") == image_format::png);
  temp_dir dir;
  for (const char* name : {"curves.jpg", "curves", "curves.svg.txt"}) {
    const auto path = dir.path() / name;
    const auto e = error_from([&] { write_lines(path.string(), two_curves()); });
    REQUIRE(e);
    CHECK(e->code() == error_code::invalid_argument);
    CHECK_THAT(e->what(), Catch::Contains(path.string()) && Catch::Contains(".svg or .png"));
  }
  for (const char* name : {"missing/curves.png", "missing/map.svg"}) {
    const auto path = dir.path() / name;
    const auto e = error_from([&] { write_scatter(path.string(), three_blobs(100)); });
    REQUIRE(e);
    CHECK(e->code() == error_code::io_error);
    CHECK_THAT(e->what(), Catch::Contains(path.string()));
  }
  CHECK(std::filesystem::is_empty(dir.path()));
}

TEST_CASE("plot: a scatter chart as PNG shows its groups' colours by size", "[plot]") {
  temp_dir dir;
  const auto path = dir.path() / "map.png";
  write_scatter(path.string(), three_blobs(3000));
  const decoded_png png = read_png(path);
  CHECK(png.width > png.height);                                     // the legend beside a square map
  for (std::size_t g = 0; g < 3; ++g) CHECK(png.has(tableau10[g]));  // in the legend, opaque
  CHECK(!png.has(other_grey));
}

TEST_CASE("plot: a scatter chart as SVG is XML with the groups' counts and the labels", "[plot]") {
  temp_dir dir;
  const auto path = dir.path() / "map.svg";
  write_scatter(path.string(), three_blobs(3000));
  CHECK(parses_as_xml(path));
  const std::string svg = read_text(path);
  CHECK(contains(svg, "Comedy (1,800)"));
  CHECK(contains(svg, "Drama &amp; Romance (900)"));
  CHECK(contains(svg, "Horror (300)"));
  CHECK(contains(svg, "Toy Story (1995)"));
  CHECK(contains(svg, "Scream &lt;1996&gt;"));
  CHECK(!contains(svg, "other"));
  // Coordinates to a tenth of a pixel.
  CHECK(!contains(svg, ".25\""));
  CHECK(!contains(svg, ".05\""));
}

TEST_CASE("plot: beyond ten groups the smallest share a grey \"other\"", "[plot]") {
  scatter_data d{"many", {}, {}};
  for (int g = 0; g < 14; ++g) {
    d.groups.push_back("group " + std::to_string(g));
    for (int i = 0; i <= g; ++i) d.points.push_back({float(g), float(i), g, ""});
  }
  d.points.push_back({0, 0, -1, ""});  // no group: "other" too
  temp_dir dir;
  const auto path = dir.path() / "many.svg";
  write_scatter(path.string(), d);
  const std::string svg = read_text(path);
  CHECK(contains(svg, "group 13 (14)"));
  CHECK(contains(svg, "group 5 (6)"));
  CHECK(!contains(svg, "group 4 ("));
  CHECK(contains(svg, "other (16)"));  // groups 0 to 4: 1 + 2 + 3 + 4 + 5 points, and one of none
}

TEST_CASE("plot: a point off the plane or of an unnamed group is refused", "[plot]") {
  temp_dir dir;
  const auto path = dir.path() / "map.png";
  scatter_data d = three_blobs(10);
  d.points[3].group = 3;
  auto e = error_from([&] { write_scatter(path.string(), d); });
  REQUIRE(e);
  CHECK(e->code() == error_code::invalid_argument);
  CHECK_THAT(e->what(), Catch::Contains("point 3"));
  d.points[3].group = 0;
  d.points[4].y = std::nanf("");
  e = error_from([&] { write_scatter(path.string(), d); });
  REQUIRE(e);
  CHECK_THAT(e->what(), Catch::Contains("point 4"));
  CHECK(!std::filesystem::exists(path));
}

// Speed belongs to benchmarks, not unit tests: this checks the pictures, not their time.
TEST_CASE("plot: a map of 70,000 points is drawn, its SVG a few megabytes", "[plot]") {
  temp_dir dir;
  const scatter_data d = three_blobs(70000);
  for (const char* name : {"big.svg", "big.png"}) write_scatter((dir.path() / name).string(), d);
  CHECK(std::filesystem::file_size(dir.path() / "big.svg") < 4'000'000);
  const decoded_png png = read_png(dir.path() / "big.png");
  CHECK(png.width > 0);
  CHECK(png.height > 0);
}

TEST_CASE("training curves: a chart per unit, the runs overlaid", "[plot]") {
  using json = nlohmann::ordered_json;
  const json rating = {
      {"history",
       {{{"epoch", 1}, {"train_loss", 1.1}, {"train_seed_loss", 1.0}, {"validation_rmse", 1.2}},
        {{"epoch", 2}, {"train_loss", 0.9}, {"train_seed_loss", 0.85}, {"validation_rmse", 1.0}}}}};
  const json ranking = {{"history", {{{"epoch", 1}, {"train_nll", 300.0}, {"validation_ndcg_at_100", 0.3}}}}};
  const training_history one[] = {history_of(rating, "a", "a.json")};
  const std::vector<line_data> alone = training_curves(one);
  REQUIRE(alone.size() == 1);
  CHECK(alone[0].title == "a: Rating error by epoch");
  REQUIRE(alone[0].series.size() == 3);
  CHECK(alone[0].series[0].label == "train_loss");
  CHECK(alone[0].series[2].label == "validation_rmse");
  CHECK(alone[0].series[2].pattern == dash::dashed);
  CHECK(alone[0].series[0].colour != alone[0].series[2].colour);

  const training_history both[] = {history_of(rating, "a", "a.json"), history_of(ranking, "b", "b.json")};
  const std::vector<line_data> charts = training_curves(both);
  REQUIRE(charts.size() == 3);
  CHECK(charts[1].series[0].label == "train_nll (b)");
  CHECK(charts[2].series[0].label == "validation_ndcg_at_100 (b)");
  CHECK(charts[1].series[0].colour == 1);  // run b's colour, in every chart
  temp_dir dir;
  write_training_curves((dir.path() / "c.png").string(), both);
  CHECK(read_png(dir.path() / "c.png").has(tableau10[1]));
}

TEST_CASE("training curves: a first epoch far above the rest runs off the chart", "[plot]") {
  using json = nlohmann::ordered_json;
  json history = json::array(), rising = json::array();
  for (int e = 1; e <= 20; ++e) {
    history.push_back({{"epoch", e}, {"train_loss", e == 1 ? 3.0 : 0.9 + 0.1 / e}});
    rising.push_back({{"epoch", e}, {"validation_ndcg_at_100", 0.1 + 0.01 * e}});
  }
  const training_history runs[] = {history_of({{"history", history}}, "a", "a.json"),
                                   history_of({{"history", rising}}, "b", "b.json")};
  const std::vector<line_data> charts = training_curves(runs);
  REQUIRE(charts.size() == 2);
  REQUIRE(charts[0].y_max);
  CHECK(*charts[0].y_max < 1.1);
  CHECK(*charts[0].y_min < 0.905);
  CHECK(!charts[1].y_max);  // a steady rise is shown whole
}

TEST_CASE("training curves: metrics without a history are refused, naming the source", "[plot]") {
  using json = nlohmann::ordered_json;
  for (const json& metrics : {json::array(), json{{"preset", "seed"}}, json{{"history", json::array()}},
                              json{{"history", {{{"train_loss", 1.0}}}}}}) {
    const auto e = error_from([&] { history_of(metrics, "m", "m.json"); });
    REQUIRE(e);
    CHECK(e->code() == error_code::parse_error);
    CHECK_THAT(e->what(), Catch::StartsWith("m.json: "));
  }
}

TEST_CASE("image grid: labelled rows of images, each pixel a crisp square", "[plot]") {
  // Three 4x5 images a row; pixel p of image i is ((i * 20 + p) % 21) / 20, the first 0.
  constexpr int height = 4, width = 5, scale = 3;
  std::vector<float> pixels;
  for (int i = 0; i < 3; ++i)
    for (int p = 0; p < height * width; ++p) pixels.push_back(float((i * 20 + p) % 21) / 20);
  std::vector<float> bright = pixels;
  for (float& v : bright) v += 0.5f;  // above 1 clipped
  const std::vector<image_row> rows = {
      {"original", pixels}, {"noisy 0.5", bright}, {"reconstructed", pixels}};
  temp_dir dir;
  write_image_grid(dir.path() / "grid.png", rows, height, width, scale);
  const decoded_png png = read_png(dir.path() / "grid.png");
  // Margins of 12, the labels then 12 before the images, 2 between images, 8 between rows.
  const int left = 12 + int(std::ceil(text_width("reconstructed", 13))) + 12;
  CHECK(png.width == left + 3 * width * scale + 2 * 2 + 12);
  CHECK(png.height == 12 + 3 * height * scale + 2 * 8 + 12);
  CHECK(png.has(label_ink, 40));
  const auto at = [&](int x, int y) {
    return png.pixels[std::size_t(y) * std::size_t(png.width) + std::size_t(x)];
  };
  // Image 0's pixel (row 1, column 2) is 7/20 -> grey 89: every pixel of its square, none smoothed.
  const int x0 = left + 2 * scale, y0 = 12 + 1 * scale;
  for (int dy = 0; dy < scale; ++dy)
    for (int dx = 0; dx < scale; ++dx) CHECK(at(x0 + dx, y0 + dy) == 0xFF595959u);
  CHECK(at(left, 12) == 0xFF000000u);                              // the first pixel, 0
  CHECK(at(left + width * scale, 12) == 0xFFFFFFFFu);              // the gap: background
  const int second = 12 + height * scale + 8;                      // the second row's top
  CHECK(at(left, second) == 0xFF808080u);                          // 0.5 -> 128
  CHECK(at(left + 2 * scale, second + scale) == 0xFFD9D9D9u);      // 7/20 + 0.5 -> 217
  CHECK(at(left + 3 * scale, second + 2 * scale) == 0xFFFFFFFFu);  // 13/20 + 0.5 clipped to 1

  write_image_grid(dir.path() / "grid.svg", rows, height, width);
  const std::string svg = read_text(dir.path() / "grid.svg");
  CHECK(contains(svg, "reconstructed"));
  CHECK(parses_as_xml(dir.path() / "grid.svg"));
}

TEST_CASE("image grid: rows of different lengths or broken images are refused", "[plot]") {
  temp_dir dir;
  const auto file = dir.path() / "grid.png";
  const std::vector<float> two(2 * 4, 0.5f);
  for (const auto& [rows, reason] : std::vector<std::pair<std::vector<image_row>, std::string>>{
           {{{"original", two}, {"reconstructed", std::vector<float>(4, 0.5f)}},
            "row 'reconstructed' holds 1 images, row 'original' 2"},
           {{{"original", std::vector<float>(7, 0.5f)}}, "not a whole number of 2x2 images"},
           {{{"original", {}}}, "no images"},
           {{}, "no rows"}}) {
    const auto e = error_from([&] { write_image_grid(file, rows, 2, 2); });
    REQUIRE(e);
    CHECK(e->code() == error_code::invalid_argument);
    CHECK_THAT(e->what(), Catch::Contains(reason));
  }
  CHECK(error_from([&] { write_image_grid(file, {{"a", two}}, 2, 2, 0); }));
  CHECK(error_from([&] { write_image_grid(dir.path() / "grid.jpg", {{"a", two}}, 2, 2); }));
  CHECK_FALSE(std::filesystem::exists(file));
}
