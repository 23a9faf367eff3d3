#pragma once
// Line charts: labelled series of (x, y) points, as training curves are (a
// figure against the epoch), with axes at round numbers, a title and a legend
// placed where it covers no line (else beside the chart). Several charts may
// sit side by side in one picture, for figures of different units.
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "aerec/plot/canvas.h"

namespace aerec::plot {

struct line_series {
  std::string label;
  std::vector<double> x, y;  // as many of each; a point whose x or y is not finite leaves a gap
  int colour = -1;           // an index into the palette (Tableau 10); -1: the series' position
  dash pattern = dash::solid;
};

struct line_data {
  std::string title, x_label, y_label;
  std::vector<line_series> series;
  // The y range shown, when both are set: lines leaving it are cut at its
  // edges. Else the data's, with a little room.
  std::optional<double> y_min = std::nullopt, y_max = std::nullopt;
};

// Writes the chart to `path`, an SVG or a PNG by its extension (image_file.h),
// atomically. Throws error_code::invalid_argument for another extension or a
// series whose x and y differ in length, io_error naming the path when it
// cannot be written.
void write_lines(const std::string& path, const line_data& data);
// The charts side by side, each with its own axes and legend.
void write_lines(const std::string& path, std::span<const line_data> charts);

}  // namespace aerec::plot
