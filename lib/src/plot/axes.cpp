#include "plot/axes.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "plot/palette.h"

namespace aerec::plot {

namespace {

constexpr double tick_size = 12, name_size = 13, title_size = 15;
constexpr double tick_length = 4, tick_gap = 4;

// A one-pixel line on the pixel grid: sharp in the PNG, not blurred over two rows.
double crisp(double v) { return std::floor(v) + 0.5; }

int ticks_between(double lo, double hi, double step) {
  return static_cast<int>(std::floor(hi / step) - std::ceil(lo / step)) + 1;
}

// The smallest of 1, 2, 5 times a power of ten that leaves at most `max_ticks` in [lo, hi].
double tick_step(double lo, double hi, int max_ticks, bool whole) {
  const double raw = (hi - lo) / std::max(max_ticks - 1, 1);
  double magnitude = std::pow(10.0, std::floor(std::log10(raw)) - 1);
  if (whole) magnitude = std::max(magnitude, 1.0);
  for (;; magnitude *= 10)
    for (const double m : {1.0, 2.0, 5.0})
      if (ticks_between(lo, hi, m * magnitude) <= max_ticks) return m * magnitude;
}

}  // namespace

std::string axis::label(double value) const {
  char buffer[32];
  if (std::abs(value) >= 1e6 || decimals > 6)
    std::snprintf(buffer, sizeof buffer, "%g", value);
  else
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

axis nice_axis(double lo, double hi, int max_ticks, double padding, bool whole) {
  if (!(hi >= lo) || !std::isfinite(lo) || !std::isfinite(hi)) lo = 0, hi = 1;
  if (hi == lo) {
    double widen = lo != 0 ? std::abs(lo) * 0.1 : 1;
    if (whole) widen = std::max(widen, 1.0);
    lo -= widen;
    hi += widen;
  }
  const double pad = (hi - lo) * padding;
  axis a;
  a.lo = lo - pad;
  a.hi = hi + pad;
  const double step = tick_step(a.lo, a.hi, std::max(max_ticks, 2), whole);
  a.decimals = step >= 1 ? 0 : static_cast<int>(std::ceil(-std::log10(step) - 1e-9));
  // Each tick as a multiple of the step, so that no sum drifts off a round number.
  for (double i = std::ceil(a.lo / step); i <= std::floor(a.hi / step); ++i)
    a.ticks.push_back(i * step + 0.0);
  return a;
}

axis axis_along(double lo, double hi, double pixels, bool horizontal, double padding, bool whole) {
  for (int max_ticks = std::max(2, static_cast<int>(pixels / (horizontal ? 60 : 40)));; --max_ticks) {
    axis a = nice_axis(lo, hi, max_ticks, padding, whole);
    if (!horizontal || max_ticks <= 2 || a.ticks.size() < 2) return a;
    double widest = 0;
    for (const double t : a.ticks) widest = std::max(widest, text_width(a.label(t), tick_size));
    const double apart = (a.ticks[1] - a.ticks[0]) / (a.hi - a.lo) * pixels;
    if (apart >= widest + 16) return a;
  }
}

point frame::at(double data_x, double data_y) const {
  return {area.x + (data_x - x.lo) / (x.hi - x.lo) * area.width,
          area.bottom() - (data_y - y.lo) / (y.hi - y.lo) * area.height};
}

double left_margin(const axis& y, const std::string& y_label) {
  double widest = 0;
  for (const double t : y.ticks) widest = std::max(widest, text_width(y.label(t), tick_size));
  return 10 + (y_label.empty() ? 0 : name_size + 8) + widest + tick_length + tick_gap;
}

double bottom_margin(const std::string& x_label) {
  return tick_length + tick_gap + tick_size + (x_label.empty() ? 0 : name_size + 10) + 12;
}

double title_margin(const std::string& title) { return title.empty() ? 16 : title_size + 28; }

void draw_title(canvas& c, const box& area, const std::string& title) {
  if (title.empty()) return;
  c.text({area.x, area.y - 18}, title, {.size = title_size, .paint = title_ink, .bold = true});
}

void draw_frame(canvas& c, const frame& f, const frame_labels& labels) {
  const box& a = f.area;
  const double left = crisp(a.x), bottom = crisp(a.bottom());
  for (const double t : f.x.ticks) {
    const double px = crisp(f.at(t, f.y.lo).x);
    const point grid[] = {{px, a.y}, {px, a.bottom()}};
    c.polyline(grid, {grid_line});
    const point tick[] = {{px, bottom}, {px, bottom + tick_length}};
    c.polyline(tick, {axis_line});
    c.text({px, bottom + tick_length + tick_gap}, f.x.label(t),
           {.size = tick_size, .paint = tick_ink, .across = anchor::middle, .vertical = baseline::hanging});
  }
  double widest = 0;
  for (const double t : f.y.ticks) {
    const double py = crisp(f.at(f.x.lo, t).y);
    const point grid[] = {{a.x, py}, {a.right(), py}};
    c.polyline(grid, {grid_line});
    const point tick[] = {{left - tick_length, py}, {left, py}};
    c.polyline(tick, {axis_line});
    const std::string text = f.y.label(t);
    widest = std::max(widest, text_width(text, tick_size));
    c.text({left - tick_length - tick_gap, py}, text,
           {.size = tick_size, .paint = tick_ink, .across = anchor::end, .vertical = baseline::middle});
  }
  const point axes[] = {{left, a.y}, {left, bottom}, {a.right(), bottom}};
  c.polyline(axes, {axis_line});
  if (!labels.x.empty())
    c.text({a.x + a.width / 2, bottom + tick_length + tick_gap + tick_size + 8}, labels.x,
           {.size = name_size, .paint = label_ink, .across = anchor::middle, .vertical = baseline::hanging});
  if (!labels.y.empty())
    c.text({left - tick_length - tick_gap - widest - 8, a.y + a.height / 2}, labels.y,
           {.size = name_size, .paint = label_ink, .across = anchor::middle, .angle = -90});
}

}  // namespace aerec::plot
