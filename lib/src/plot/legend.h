#pragma once
// A chart's legend: a box of swatches (a line in its dash, or a dot) and labels.
#include <span>
#include <string>

#include "aerec/plot/canvas.h"

namespace aerec::plot {

struct legend_entry {
  std::string label;
  colour paint;
  bool dot = false;  // a point's swatch; else a line's
  dash pattern = dash::solid;
};

// The box the legend of `entries` fills with its top-left corner at `at`.
box legend_box(point at, std::span<const legend_entry> entries);

// Draws the legend in `legend_box(at, entries)`, on white so that it reads over a grid.
void draw_legend(canvas& c, point at, std::span<const legend_entry> entries);

}  // namespace aerec::plot
