#pragma once
// The canvas as an SVG document written as text: coordinates to a tenth of a
// pixel, each batch of circles one group sharing its colour, so that a map of
// 70,000 points stays a few megabytes.
#include <string>

#include "aerec/plot/canvas.h"

namespace aerec::plot {

class svg_canvas final : public canvas {
 public:
  svg_canvas(int width, int height);

  double width() const override { return width_; }
  double height() const override { return height_; }
  void polyline(std::span<const point> points, const stroke& s) override;
  void circles(std::span<const point> centres, double radius, colour fill) override;
  void rectangle(const box& b, colour fill) override;
  void rectangle_outline(const box& b, const stroke& s) override;
  void text(point at, std::string_view utf8, const text_style& style) override;
  std::string encode() override;

 private:
  void number(double value);
  void attribute(const char* name, double value);
  void paint(const char* kind, colour c);  // fill or stroke, and its opacity when not opaque
  void stroke_attributes(const stroke& s);

  int width_, height_;
  std::string body_;
};

}  // namespace aerec::plot
