#include "aerec/plot/line_chart.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <utility>

#include "aerec/core/error.h"
#include "aerec/plot/image_file.h"
#include "plot/axes.h"
#include "plot/legend.h"
#include "plot/palette.h"

namespace aerec::plot {

namespace {

constexpr double area_width = 560, area_height = 340, right_margin = 20;
// The legend's distance from the plot area's edges inside it, and from its right edge outside.
constexpr double legend_inset = 10, legend_gap = 16;
constexpr double line_width = 2, dot_radius = 2.6;
// Series this short show a dot at each point: an epoch's figure, not only a bend in a line.
constexpr std::size_t dotted_up_to = 30;

bool finite(double x, double y) { return std::isfinite(x) && std::isfinite(y); }

colour colour_of(const line_series& s, std::size_t position) {
  return palette_colour(s.colour >= 0 ? s.colour : static_cast<int>(position));
}

void check(const line_data& d) {
  for (const line_series& s : d.series)
    if (s.x.size() != s.y.size())
      throw error(error_code::invalid_argument, "line chart \"" + d.title + "\": series \"" + s.label +
                                                    "\" has " + std::to_string(s.x.size()) +
                                                    " x values and " + std::to_string(s.y.size()) +
                                                    " y values");
}

// The part of the segment a-z inside `b`, as fractions of it from a; none
// when it misses `b` (Liang-Barsky clipping).
std::optional<std::pair<double, double>> inside(point a, point z, const box& b) {
  double t0 = 0, t1 = 1;
  const double dx = z.x - a.x, dy = z.y - a.y;
  const double p[] = {-dx, dx, -dy, dy};
  const double q[] = {a.x - b.x, b.right() - a.x, a.y - b.y, b.bottom() - a.y};
  for (int i = 0; i < 4; ++i) {
    if (p[i] == 0) {
      if (q[i] < 0) return std::nullopt;
      continue;
    }
    const double t = q[i] / p[i];
    if (p[i] < 0)
      t0 = std::max(t0, t);
    else
      t1 = std::min(t1, t);
    if (t0 > t1) return std::nullopt;
  }
  return std::pair(t0, t1);
}

point along(point a, point z, double t) { return {a.x + t * (z.x - a.x), a.y + t * (z.y - a.y)}; }

// `run` cut to the parts inside `area`: a chart with a fixed range clips what leaves it.
void add_clipped(const std::vector<point>& run, const box& area, std::vector<std::vector<point>>& out) {
  if (run.size() == 1) {
    if (inside(run[0], run[0], area)) out.push_back(run);
    return;
  }
  bool open = false;
  for (std::size_t i = 1; i < run.size(); ++i) {
    const auto t = inside(run[i - 1], run[i], area);
    if (!t) {
      open = false;
      continue;
    }
    if (!open) out.push_back({along(run[i - 1], run[i], t->first)});
    out.back().push_back(along(run[i - 1], run[i], t->second));
    open = t->second >= 1;
  }
}

// Each run of consecutive finite points of `s`, in pixels, within the plot area.
std::vector<std::vector<point>> pieces(const line_series& s, const frame& f) {
  std::vector<std::vector<point>> out;
  std::vector<point> run;
  for (std::size_t i = 0; i <= s.x.size(); ++i) {
    if (i < s.x.size() && finite(s.x[i], s.y[i])) {
      run.push_back(f.at(s.x[i], s.y[i]));
      continue;
    }
    if (!run.empty()) add_clipped(run, f.area, out);
    run.clear();
  }
  return out;
}

// The points of `s` within the plot area, in pixels, for its dots.
std::vector<point> dots(const line_series& s, const frame& f) {
  std::vector<point> out;
  for (std::size_t i = 0; i < s.x.size(); ++i) {
    if (!finite(s.x[i], s.y[i])) continue;
    const point p = f.at(s.x[i], s.y[i]);
    if (inside(p, p, f.area)) out.push_back(p);
  }
  return out;
}

bool covers_data(const box& legend, const std::vector<std::vector<point>>& lines) {
  const box margin{legend.x - 4, legend.y - 4, legend.width + 8, legend.height + 8};
  for (const auto& line : lines) {
    if (line.size() == 1 && inside(line[0], line[0], margin)) return true;
    for (std::size_t i = 1; i < line.size(); ++i)
      if (inside(line[i - 1], line[i], margin)) return true;
  }
  return false;
}

struct layout {
  frame f;
  std::vector<legend_entry> legend;
  point legend_at;
  double width = 0, height = 0;
};

std::vector<legend_entry> legend_of(const line_data& d) {
  std::vector<legend_entry> entries;
  for (std::size_t i = 0; i < d.series.size(); ++i) {
    const line_series& s = d.series[i];
    entries.push_back({s.label, colour_of(s, i), false, s.pattern});
  }
  return entries;
}

// A corner of the plot area where the legend covers no line, else the space right of it.
void place_legend(layout& l, const line_data& d) {
  if (l.legend.empty()) return;
  std::vector<std::vector<point>> lines;
  for (const line_series& s : d.series)
    for (auto& piece : pieces(s, l.f)) lines.push_back(std::move(piece));
  const box& a = l.f.area;
  const box size = legend_box({0, 0}, l.legend);
  const double left = a.x + legend_inset, right = a.right() - legend_inset - size.width;
  const double top = a.y + legend_inset, bottom = a.bottom() - legend_inset - size.height;
  for (const point corner :
       {point{right, top}, point{right, bottom}, point{left, top}, point{left, bottom}}) {
    if (corner.x < left || corner.y < top) continue;  // larger than the plot area
    if (!covers_data(legend_box(corner, l.legend), lines)) {
      l.legend_at = corner;
      return;
    }
  }
  l.legend_at = {a.right() + legend_gap, a.y};
  l.width += legend_gap + size.width + legend_gap - right_margin;
  l.height = std::max(l.height, a.y + size.height + legend_inset);
}

// The chart with its left edge at `left_edge` (charts sit side by side, their tops at 0).
layout lay_out(const line_data& d, double left_edge) {
  double x_lo = std::numeric_limits<double>::infinity(), x_hi = -x_lo, y_lo = x_lo, y_hi = -x_lo;
  bool whole = true;
  for (const line_series& s : d.series)
    for (std::size_t i = 0; i < s.x.size(); ++i) {
      if (!finite(s.x[i], s.y[i])) continue;
      x_lo = std::min(x_lo, s.x[i]), x_hi = std::max(x_hi, s.x[i]);
      y_lo = std::min(y_lo, s.y[i]), y_hi = std::max(y_hi, s.y[i]);
      whole = whole && s.x[i] == std::round(s.x[i]);
    }
  layout l;
  const double top = title_margin(d.title);
  const bool fixed = d.y_min && d.y_max;
  l.f.y = fixed ? axis_along(*d.y_min, *d.y_max, area_height, false, 0)
                : axis_along(y_lo, y_hi, area_height, false, 0.06);
  const double left = left_margin(l.f.y, d.y_label);
  l.f.area = {left_edge + left, top, area_width, area_height};
  l.f.x = axis_along(x_lo, x_hi, area_width, true, 0.03, whole);
  l.width = left + area_width + right_margin;
  l.height = top + area_height + bottom_margin(d.x_label);
  l.legend = legend_of(d);
  place_legend(l, d);
  return l;
}

void draw(canvas& c, const layout& l, const line_data& d) {
  draw_title(c, l.f.area, d.title);
  draw_frame(c, l.f, {d.x_label, d.y_label});
  for (std::size_t i = 0; i < d.series.size(); ++i) {
    const line_series& s = d.series[i];
    const colour paint = colour_of(s, i);
    for (const std::vector<point>& piece : pieces(s, l.f)) {
      c.polyline(piece, {paint, line_width, s.pattern});
      if (piece.size() == 1 && s.x.size() > dotted_up_to) c.circles(piece, dot_radius, paint);  // alone
    }
    if (s.x.size() <= dotted_up_to) c.circles(dots(s, l.f), dot_radius, paint);
  }
  draw_legend(c, l.legend_at, l.legend);
}

}  // namespace

void write_lines(const std::string& path, const line_data& data) { write_lines(path, std::span(&data, 1)); }

void write_lines(const std::string& path, std::span<const line_data> charts) {
  const image_format format = format_of(path);
  std::vector<layout> layouts;
  double width = 0, height = 0;
  for (const line_data& d : charts) {
    check(d);
    layouts.push_back(lay_out(d, width));
    width += layouts.back().width;
    height = std::max(height, layouts.back().height);
  }
  const auto c = make_canvas(format, static_cast<int>(std::ceil(std::max(width, 1.0))),
                             static_cast<int>(std::ceil(std::max(height, 1.0))));
  for (std::size_t i = 0; i < charts.size(); ++i) draw(*c, layouts[i], charts[i]);
  save(*c, path);
}

}  // namespace aerec::plot
