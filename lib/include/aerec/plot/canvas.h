#pragma once
// A surface that charts draw on, in pixels with y pointing down, whatever the
// file it becomes (image_file.h makes one for a path: SVG text or a PNG through
// cairo). Charts lay themselves out with text_width, so that both formats come
// out the same.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace aerec::plot {

struct colour {
  std::uint8_t r = 0, g = 0, b = 0;
  double alpha = 1;  // 0 transparent .. 1 opaque
};

// 0xRRGGBB with an alpha.
constexpr colour rgb(std::uint32_t hex, double alpha = 1) {
  return {static_cast<std::uint8_t>(hex >> 16), static_cast<std::uint8_t>(hex >> 8),
          static_cast<std::uint8_t>(hex), alpha};
}

struct point {
  double x = 0, y = 0;
};

// A rectangle: its top-left corner and size.
struct box {
  double x = 0, y = 0, width = 0, height = 0;
  double right() const { return x + width; }
  double bottom() const { return y + height; }
};

enum class dash { solid, dashed, dotted };

struct stroke {
  colour paint;
  double width = 1;
  dash pattern = dash::solid;
};

// Where the point given to canvas::text sits on the text, across and up-down.
enum class anchor { start, middle, end };
enum class baseline { alphabetic, middle, hanging };

struct text_style {
  double size = 12;  // pixels
  colour paint;
  anchor across = anchor::start;
  baseline vertical = baseline::alphabetic;
  bool bold = false;
  double angle = 0;  // degrees, clockwise; -90 reads upwards (a y axis' label)
  double halo = 0;   // the width of a white outline that keeps text readable over points (0: none)
};

class canvas {
 public:
  virtual ~canvas() = default;

  virtual double width() const = 0;
  virtual double height() const = 0;

  // A line through `points` (fewer than two: nothing).
  virtual void polyline(std::span<const point> points, const stroke& s) = 0;
  // Filled circles of one radius and colour: a batch, as a scatter plot's group of points is.
  virtual void circles(std::span<const point> centres, double radius, colour fill) = 0;
  virtual void rectangle(const box& b, colour fill) = 0;
  virtual void rectangle_outline(const box& b, const stroke& s) = 0;
  // UTF-8 text; invalid sequences show as U+FFFD, control characters are dropped.
  virtual void text(point at, std::string_view utf8, const text_style& style) = 0;

  // The file's bytes: an SVG document or a PNG image.
  virtual std::string encode() = 0;
};

// The width in pixels of `utf8` set in DejaVu Sans at `size` (bold or not),
// as both canvases draw it.
double text_width(std::string_view utf8, double size, bool bold = false);

}  // namespace aerec::plot
