#include "plot/legend.h"

#include <algorithm>

#include "plot/palette.h"

namespace aerec::plot {

namespace {
constexpr double text_size = 12, row = 19, padding = 9, swatch = 24, swatch_gap = 7;
}  // namespace

box legend_box(point at, std::span<const legend_entry> entries) {
  double widest = 0;
  for (const legend_entry& e : entries) widest = std::max(widest, text_width(e.label, text_size));
  return {at.x, at.y, 2 * padding + swatch + swatch_gap + widest, 2 * padding + row * double(entries.size())};
}

void draw_legend(canvas& c, point at, std::span<const legend_entry> entries) {
  if (entries.empty()) return;
  const box b = legend_box(at, entries);
  c.rectangle(b, rgb(0xFFFFFF, 0.9));
  c.rectangle_outline({b.x + 0.5, b.y + 0.5, b.width - 1, b.height - 1}, {rgb(0xd0d0d0)});
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const legend_entry& e = entries[i];
    const double y = b.y + padding + row * (double(i) + 0.5);
    const double x = b.x + padding;
    if (e.dot) {
      const point centre[] = {{x + swatch / 2, y}};
      c.circles(centre, 4.5, {e.paint.r, e.paint.g, e.paint.b, 1});
    } else {
      const point line[] = {{x, y}, {x + swatch, y}};
      c.polyline(line, {e.paint, 2.2, e.pattern});
    }
    c.text({x + swatch + swatch_gap, y}, e.label,
           {.size = text_size, .paint = label_ink, .vertical = baseline::middle});
  }
}

}  // namespace aerec::plot
