#include "aerec/plot/scatter_chart.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "aerec/core/error.h"
#include "aerec/core/thousands.h"
#include "aerec/plot/image_file.h"
#include "plot/axes.h"
#include "plot/legend.h"
#include "plot/palette.h"

namespace aerec::plot {

namespace {

constexpr double side = 640, gap = 20, label_size = 12;
constexpr std::size_t own_colours = tableau10.size() - 1;  // the last, grey, is "other"'s

void check(const scatter_data& d) {
  const int groups = static_cast<int>(d.groups.size());
  for (std::size_t i = 0; i < d.points.size(); ++i) {
    const scatter_point& p = d.points[i];
    const std::string which = "scatter chart \"" + d.title + "\": point " + std::to_string(i);
    if (!std::isfinite(p.x) || !std::isfinite(p.y))
      throw error(error_code::invalid_argument, which + " is not on the plane (a coordinate is not finite)");
    if (p.group < -1 || p.group >= groups)
      throw error(error_code::invalid_argument, which + " has group " + std::to_string(p.group) + " of " +
                                                    std::to_string(groups) + " named");
  }
}

// A point's place among `groups` groups: its group's index, or the last for no group.
std::size_t slot(const scatter_point& p, std::size_t groups) {
  return p.group < 0 ? groups : std::size_t(p.group);
}

// How the groups are drawn: each group's colour, and the legend's entries, largest first.
struct grouping {
  std::vector<colour> paint;  // by slot
  // The groups in drawing order: "other"'s (-1: no group), then the named, largest first.
  std::vector<int> order;
  std::vector<legend_entry> legend;
};

grouping group_points(const scatter_data& d) {
  const std::size_t n = d.groups.size();
  std::vector<std::size_t> count(n + 1, 0);  // the last: points of no group
  for (const scatter_point& p : d.points) ++count[slot(p, n)];
  std::vector<int> by_size;
  for (std::size_t g = 0; g < n; ++g)
    if (count[g] > 0) by_size.push_back(static_cast<int>(g));
  std::stable_sort(by_size.begin(), by_size.end(), [&](int a, int b) { return count[a] > count[b]; });
  const bool all_named = count[n] == 0 && by_size.size() <= tableau10.size();
  const std::size_t named = all_named ? by_size.size() : std::min(by_size.size(), own_colours);

  grouping out;
  out.paint.assign(n + 1, other_grey);
  std::size_t others = count[n];
  if (count[n] > 0) out.order.push_back(-1);
  for (std::size_t i = named; i < by_size.size(); ++i) {
    out.order.push_back(by_size[i]);
    others += count[by_size[i]];
  }
  for (std::size_t i = 0; i < named; ++i) {
    const int g = by_size[i];
    out.order.push_back(g);
    out.paint[g] = tableau10[i];
    out.legend.push_back({d.groups[g] + " (" + thousands(count[g]) + ")", out.paint[g], true});
  }
  if (others > 0) out.legend.push_back({"other (" + thousands(others) + ")", other_grey, true});
  return out;
}

// Both axes over the same span, so that a unit is as long across as up.
frame square_frame(const scatter_data& d, point corner) {
  double x_lo = std::numeric_limits<double>::infinity(), x_hi = -x_lo, y_lo = x_lo, y_hi = -x_lo;
  for (const scatter_point& p : d.points) {
    x_lo = std::min(x_lo, double(p.x)), x_hi = std::max(x_hi, double(p.x));
    y_lo = std::min(y_lo, double(p.y)), y_hi = std::max(y_hi, double(p.y));
  }
  frame f;
  if (!d.points.empty()) {
    const double half = std::max(x_hi - x_lo, y_hi - y_lo) / 2;
    const double x_mid = (x_lo + x_hi) / 2, y_mid = (y_lo + y_hi) / 2;
    x_lo = x_mid - half, x_hi = x_mid + half, y_lo = y_mid - half, y_hi = y_mid + half;
  }
  f.y = axis_along(y_lo, y_hi, side, false, 0.04);
  f.x = axis_along(x_lo, x_hi, side, true, 0.04);
  f.area = {corner.x + left_margin(f.y, ""), corner.y, side, side};
  return f;
}

// Thousands of points: smaller and fainter as they crowd, so that density still shows.
double radius_for(std::size_t n) { return n > 20000 ? 1.7 : n > 5000 ? 2.1 : 2.6; }
double alpha_for(std::size_t n) { return n > 20000 ? 0.5 : n > 5000 ? 0.6 : 0.75; }

void draw_points(canvas& c, const scatter_data& d, const frame& f, const grouping& g) {
  const std::size_t n = d.groups.size();
  const double r = radius_for(d.points.size()), alpha = alpha_for(d.points.size());
  std::vector<std::vector<point>> by_group(n + 1);
  for (const scatter_point& p : d.points) by_group[slot(p, n)].push_back(f.at(p.x, p.y));
  for (const int group : g.order) {
    const std::size_t k = group < 0 ? n : std::size_t(group);
    colour paint = g.paint[k];
    paint.alpha = alpha;
    c.circles(by_group[k], r, paint);
  }
}

bool overlaps(const box& a, const box& b) {
  return a.x < b.right() && b.x < a.right() && a.y < b.bottom() && b.y < a.bottom();
}

struct placement {
  point at;
  anchor across;
  baseline vertical;
  box bounds;
};

// Right of the point, left, above, below: the first that stays in the area and clear of `taken`.
std::optional<placement> place_label(point p, double r, double w, const box& area,
                                     const std::vector<box>& taken) {
  const double off = r + 5, h = label_size + 2;
  const placement candidates[] = {
      {{p.x + off, p.y}, anchor::start, baseline::middle, {p.x + off, p.y - h / 2, w, h}},
      {{p.x - off, p.y}, anchor::end, baseline::middle, {p.x - off - w, p.y - h / 2, w, h}},
      {{p.x, p.y - off}, anchor::middle, baseline::alphabetic, {p.x - w / 2, p.y - off - h + 2, w, h}},
      {{p.x, p.y + off}, anchor::middle, baseline::hanging, {p.x - w / 2, p.y + off - 1, w, h}},
  };
  for (const placement& c : candidates) {
    const box& b = c.bounds;
    if (b.x < area.x || b.right() > area.right() || b.y < area.y || b.bottom() > area.bottom()) continue;
    if (std::none_of(taken.begin(), taken.end(), [&](const box& t) { return overlaps(t, b); })) return c;
  }
  return std::nullopt;
}

void draw_labels(canvas& c, const scatter_data& d, const frame& f, const grouping& g) {
  const double r = radius_for(d.points.size()) + 1.2;
  const std::size_t n = d.groups.size();
  std::vector<box> taken;
  for (const scatter_point& p : d.points) {
    if (p.label.empty()) continue;
    const point at = f.at(p.x, p.y);
    const auto spot = place_label(at, r, text_width(p.label, label_size), f.area, taken);
    if (!spot) continue;
    taken.push_back(spot->bounds);
    // A ringed dot marks which point the label names.
    const point centre[] = {at};
    c.circles(centre, r + 1.2, title_ink);
    c.circles(centre, r, g.paint[slot(p, n)]);
    c.text(spot->at, p.label,
           {.size = label_size,
            .paint = title_ink,
            .across = spot->across,
            .vertical = spot->vertical,
            .halo = 2.5});
  }
}

}  // namespace

void write_scatter(const std::string& path, const scatter_data& data) {
  const image_format format = format_of(path);
  check(data);
  const grouping g = group_points(data);
  const frame f = square_frame(data, {0, title_margin(data.title)});
  const point legend_at{f.area.right() + gap, f.area.y};
  const box legend = legend_box(legend_at, g.legend);
  const double width = (g.legend.empty() ? f.area.right() : legend.right()) + gap;
  const double height = std::max(f.area.bottom() + bottom_margin(""), legend.bottom() + gap);
  const auto c = make_canvas(format, static_cast<int>(std::ceil(width)), static_cast<int>(std::ceil(height)));
  draw_title(*c, f.area, data.title);
  draw_frame(*c, f, {});
  draw_points(*c, data, f, g);
  draw_labels(*c, data, f, g);
  draw_legend(*c, legend_at, g.legend);
  save(*c, path);
}

}  // namespace aerec::plot
