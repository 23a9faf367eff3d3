#include "plot/svg_canvas.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "plot/drawing.h"

namespace aerec::plot {

namespace {

std::string hex(colour c) {
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "#%02x%02x%02x", c.r, c.g, c.b);
  return buffer;
}

// Text as XML character data (and attribute values).
std::string escaped(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

const char* text_anchor(anchor a) {
  switch (a) {
    case anchor::start:
      return "start";
    case anchor::middle:
      return "middle";
    case anchor::end:
      return "end";
  }
  return "start";
}

}  // namespace

svg_canvas::svg_canvas(int width, int height) : width_(width), height_(height) {
  body_.reserve(1 << 16);
  rectangle({0, 0, double(width), double(height)}, rgb(0xFFFFFF));
}

// To a tenth of a pixel, without a trailing ".0": the file's size is mostly numbers.
void svg_canvas::number(double value) {
  const double rounded = std::round(value * 10) / 10;
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, rounded == 0 ? 0.0 : rounded,
                                    std::chars_format::fixed, 1);
  std::string_view digits(buffer, result.ptr);
  if (digits.ends_with(".0")) digits.remove_suffix(2);
  body_ += digits;
}

void svg_canvas::attribute(const char* name, double value) {
  body_ += ' ';
  body_ += name;
  body_ += "=\"";
  number(value);
  body_ += '"';
}

void svg_canvas::paint(const char* kind, colour c) {
  body_ += ' ';
  body_ += kind;
  body_ += "=\"" + hex(c) + '"';
  if (c.alpha >= 1) return;
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%.2f", std::max(c.alpha, 0.0));
  body_ += ' ';
  body_ += kind;
  body_ += "-opacity=\"";
  body_ += buffer;
  body_ += '"';
}

void svg_canvas::stroke_attributes(const stroke& s) {
  paint("stroke", s.paint);
  attribute("stroke-width", s.width);
  const std::vector<double> lengths = dash_lengths(s.pattern, s.width);
  if (lengths.empty()) return;
  body_ += " stroke-dasharray=\"";
  for (std::size_t i = 0; i < lengths.size(); ++i) {
    if (i > 0) body_ += ' ';
    number(lengths[i]);
  }
  body_ += '"';
}

void svg_canvas::polyline(std::span<const point> points, const stroke& s) {
  if (points.size() < 2) return;
  body_ += "<polyline fill=\"none\" stroke-linejoin=\"round\"";
  stroke_attributes(s);
  body_ += " points=\"";
  for (std::size_t i = 0; i < points.size(); ++i) {
    if (i > 0) body_ += ' ';
    number(points[i].x);
    body_ += ',';
    number(points[i].y);
  }
  body_ += "\"/>\n";
}

void svg_canvas::circles(std::span<const point> centres, double radius, colour fill) {
  if (centres.empty()) return;
  body_ += "<g";
  paint("fill", fill);
  body_ += ">\n";
  for (const point& c : centres) {
    body_ += "<circle";
    attribute("cx", c.x);
    attribute("cy", c.y);
    attribute("r", radius);
    body_ += "/>\n";
  }
  body_ += "</g>\n";
}

void svg_canvas::rectangle(const box& b, colour fill) {
  body_ += "<rect";
  attribute("x", b.x);
  attribute("y", b.y);
  attribute("width", b.width);
  attribute("height", b.height);
  paint("fill", fill);
  body_ += "/>\n";
}

void svg_canvas::rectangle_outline(const box& b, const stroke& s) {
  body_ += "<rect";
  attribute("x", b.x);
  attribute("y", b.y);
  attribute("width", b.width);
  attribute("height", b.height);
  body_ += " fill=\"none\"";
  stroke_attributes(s);
  body_ += "/>\n";
}

void svg_canvas::text(point at, std::string_view utf8, const text_style& style) {
  const std::string content = escaped(clean_utf8(utf8));
  // Rotated about its point, then shifted to its baseline in the rotated frame, as cairo draws it.
  const auto element = [&](bool halo) {
    body_ += "<text";
    attribute("x", at.x);
    attribute("y", at.y + baseline_shift(style.vertical, style.size));
    attribute("font-size", style.size);
    if (style.across != anchor::start)
      body_ += std::string(" text-anchor=\"") + text_anchor(style.across) + '"';
    if (style.bold) body_ += " font-weight=\"bold\"";
    if (style.angle != 0) {
      body_ += " transform=\"rotate(";
      number(style.angle);
      body_ += ' ';
      number(at.x);
      body_ += ' ';
      number(at.y);
      body_ += ")\"";
    }
    // The halo is the same text stroked in white beneath (paint-order is not everywhere).
    if (halo) {
      stroke_attributes({rgb(0xFFFFFF), 2 * style.halo});
      body_ += " stroke-linejoin=\"round\" fill=\"none\"";
    } else {
      paint("fill", style.paint);
    }
    body_ += '>' + content + "</text>\n";
  };
  if (style.halo > 0) element(true);
  element(false);
}

std::string svg_canvas::encode() {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(width_) + "\" height=\"" +
         std::to_string(height_) + "\" viewBox=\"0 0 " + std::to_string(width_) + ' ' +
         std::to_string(height_) + "\" font-family=\"" + font_family + ", Verdana, Arial, sans-serif\">\n";
  out += body_;
  out += "</svg>\n";
  return out;
}

}  // namespace aerec::plot
