#pragma once
// Scatter charts, as the taste map is: thousands of small translucent points
// coloured by group, a legend of the groups by size with their counts, and a
// few points labelled beside themselves. Both axes have the same scale (a
// map's distances mean the same across as up).
#include <string>
#include <vector>

namespace aerec::plot {

struct scatter_point {
  float x = 0, y = 0;
  int group = -1;     // an index into scatter_data::groups; -1: none (drawn grey, counted as "other")
  std::string label;  // drawn beside the point when not empty: give a few
};

struct scatter_data {
  std::string title;
  std::vector<std::string> groups;  // the legend's names
  std::vector<scatter_point> points;
};

// Writes the chart to `path`, an SVG or a PNG by its extension (image_file.h),
// atomically. The nine largest groups have their own colours (ten when there
// are no more), the rest share a grey "other"; smaller groups are drawn over
// larger ones. A label that would overlap one drawn before it wherever it is
// placed beside its point is left out. Throws error_code::invalid_argument for
// another extension, a point off the plane (not finite) or a group out of
// range, io_error naming the path when it cannot be written.
void write_scatter(const std::string& path, const scatter_data& data);

}  // namespace aerec::plot
