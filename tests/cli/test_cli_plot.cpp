// aerec plot and aerec train --plot: training curves from metrics files, end
// to end, and the errors that leave no picture behind.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "aerec/plot/canvas.h"
#include "cli/train_runs.h"
#include "plot/palette.h"
#include "plot_files.h"

using json = nlohmann::json;
using namespace aerec::testing;

namespace {

// Two tiny runs' metrics files, "small.json" and "wide.json", with a validation slice.
struct runs_fixture {
  temp_dir dir;
  std::string data;
  runs_fixture() {
    dir.write("u.data", two_taste_ratings(40, 20, [](int u, int m) { return (u + 2 * m) % 3 != 0; }));
    data = " --data " + dir.path().string() + " --split random:0.2 --val 0.2 --epochs 3";
    train_metrics("--layers 4", data, dir, "small");
    train_metrics("--layers 12", data, dir, "wide");
  }
  std::string path(const std::string& name) const { return (dir.path() / name).string(); }
};

const runs_fixture& runs() {
  static runs_fixture f;
  return f;
}

void expect_error_without(const result& r, int code, const std::string& message, const std::string& out) {
  INFO("stderr: " << r.err);
  CHECK(r.code == code);
  CHECK_THAT(r.err, Catch::StartsWith("aerec: error: ") && Catch::Contains(message));
  CHECK(!std::filesystem::exists(out));
}

}  // namespace

TEST_CASE("plot: two runs' curves overlaid, each named by its file", "[cli][plot]") {
  const runs_fixture& f = runs();
  const std::string svg = f.path("curves.svg");
  const result r = run_aerec("plot " + f.path("small.json") + " " + f.path("wide.json") + " --out " + svg);
  INFO("stderr: " << r.err);
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("wrote " + svg));
  CHECK(parses_as_xml(svg));
  const std::string text = read(svg);
  for (const char* label : {"train_loss (small)", "validation_rmse (small)", "train_loss (wide)",
                            "validation_rmse (wide)", "Rating error by epoch", ">epoch<"})
    CHECK_THAT(text, Catch::Contains(label));

  const std::string png = f.path("curves.png");
  REQUIRE(run_aerec("plot " + f.path("small.json") + " " + f.path("wide.json") + " --out " + png).code == 0);
  const decoded_png image = read_png(png);
  CHECK(image.has(aerec::plot::tableau10[0]));
  CHECK(image.has(aerec::plot::tableau10[1]));
}

TEST_CASE("train --plot draws the run's curves at the end", "[cli][plot]") {
  const runs_fixture& f = runs();
  const std::string png = f.path("run.png");
  const result r =
      run_aerec("train" + f.data + " --layers 4 --checkpoint " + f.path("run.ckpt") + " --plot " + png);
  INFO("stderr: " << r.err);
  REQUIRE(r.code == 0);
  const decoded_png image = read_png(png);
  CHECK(image.width >= 600);
  CHECK(image.has(aerec::plot::tableau10[0]));  // train_loss
  CHECK(image.has(aerec::plot::tableau10[2]));  // validation_rmse
}

TEST_CASE("train --resume --plot draws every epoch of the resumed run", "[cli][plot]") {
  const runs_fixture& f = runs();
  const std::string ckpt = f.path("resumed.ckpt"), svg = f.path("resumed.svg");
  REQUIRE(run_aerec("train" + f.data + " --checkpoint-every 1 --checkpoint " + ckpt).code == 0);
  const result r = run_aerec("train --resume " + ckpt + " --plot " + svg);
  INFO("stderr: " << r.err);
  REQUIRE(r.code == 0);
  CHECK(parses_as_xml(svg));
  const std::string text = read(svg);
  CHECK_THAT(text, Catch::Contains("seed: Rating error by epoch") && Catch::Contains("validation_rmse"));
}

TEST_CASE("train --plot with another extension is refused before training", "[cli][plot]") {
  const runs_fixture& f = runs();
  const std::string gif = f.path("run.gif");
  const result r = run_aerec("train" + f.data + " --checkpoint " + f.path("refused.ckpt") + " --plot " + gif);
  expect_error_without(r, 2, gif + ": a picture is written as .svg or .png", gif);
  CHECK_THAT(r.err, !Catch::Contains("epoch 1/"));
}

TEST_CASE("plot: a file that is not JSON, or has no history, is an error naming it", "[cli][plot]") {
  const runs_fixture& f = runs();
  temp_dir dir;
  const std::string out = (dir.path() / "curves.svg").string();
  const auto bad = dir.write("bad.json", "{\"history\": [").string();
  expect_error_without(run_aerec("plot " + f.path("small.json") + " " + bad + " --out " + out), 3,
                       bad + ": not valid JSON", out);
  const auto overflow = dir.write("overflow.json", R"({"history": [{"epoch": 1e309}]})").string();
  expect_error_without(run_aerec("plot " + overflow + " --out " + out), 3, overflow + ": not valid JSON",
                       out);
  const auto empty = dir.write("empty.json", "{\"preset\": \"seed\"}").string();
  expect_error_without(run_aerec("plot " + empty + " --out " + out), 3, empty + ": no per-epoch \"history\"",
                       out);
  const auto missing = (dir.path() / "missing.json").string();
  expect_error_without(run_aerec("plot " + missing + " --out " + out), 4, missing, out);
  const std::string gif = (dir.path() / "curves.gif").string();
  expect_error_without(run_aerec("plot " + f.path("small.json") + " --out " + gif), 2, gif, gif);
  const result no_out = run_aerec("plot " + f.path("small.json"));
  CHECK(no_out.code == 2);
  CHECK_THAT(no_out.err, Catch::Contains("--out is required"));
}
