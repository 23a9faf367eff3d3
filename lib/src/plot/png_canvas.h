#pragma once
// The canvas as a PNG image drawn by cairo, one pixel per unit.
#include <cairo.h>

#include <memory>
#include <string>

#include "aerec/plot/canvas.h"

namespace aerec::plot {

class png_canvas final : public canvas {
 public:
  png_canvas(int width, int height);

  double width() const override { return width_; }
  double height() const override { return height_; }
  void polyline(std::span<const point> points, const stroke& s) override;
  void circles(std::span<const point> centres, double radius, colour fill) override;
  void rectangle(const box& b, colour fill) override;
  void rectangle_outline(const box& b, const stroke& s) override;
  void text(point at, std::string_view utf8, const text_style& style) override;
  std::string encode() override;

 private:
  void set_source(colour c);
  void set_stroke(const stroke& s);

  int width_, height_;
  std::unique_ptr<cairo_surface_t, void (*)(cairo_surface_t*)> surface_;
  std::unique_ptr<cairo_t, void (*)(cairo_t*)> cr_;
};

// Selects DejaVu Sans at `size` on `cr`, as text_width measures it.
void select_font(cairo_t* cr, double size, bool bold);

}  // namespace aerec::plot
