#pragma once
// A chart's axes: a range with ticks at round numbers (1, 2 or 5 times a power
// of ten), the data-to-pixel mapping of a plot area, and the frame drawn
// around it (grid, ticks, their labels, the axes' names).
#include <string>
#include <vector>

#include "aerec/plot/canvas.h"

namespace aerec::plot {

struct axis {
  double lo = 0, hi = 1;      // the range shown
  std::vector<double> ticks;  // within it, ascending
  int decimals = 0;           // what the ticks' labels need
  std::string label(double value) const;
};

// An axis showing [lo, hi] and `padding` (a fraction of the span) on each
// side, with at most `max_ticks` ticks; whole numbers only when `whole` (epochs).
// An empty or one-value range is widened around its value.
axis nice_axis(double lo, double hi, int max_ticks, double padding, bool whole = false);

// An axis for `pixels` of a chart: as many ticks as fit, a horizontal axis'
// labels at least their width apart, a vertical one's 40 pixels.
axis axis_along(double lo, double hi, double pixels, bool horizontal, double padding, bool whole = false);

// Data coordinates to pixels within `area`; y grows upwards.
struct frame {
  box area;
  axis x, y;
  point at(double data_x, double data_y) const;
};

struct frame_labels {
  std::string x, y;
};

// The width a frame needs left of its area for the y ticks' labels and the y axis' name.
double left_margin(const axis& y, const std::string& y_label);
// The height below the area for the x ticks' labels and the x axis' name.
double bottom_margin(const std::string& x_label);

// The grid, the axes' lines, ticks and labels; the data is drawn after it, over the grid.
void draw_frame(canvas& c, const frame& f, const frame_labels& labels);

// A chart's title, above `area`, at its left edge.
void draw_title(canvas& c, const box& area, const std::string& title);
// The height above the area a title needs.
double title_margin(const std::string& title);

}  // namespace aerec::plot
