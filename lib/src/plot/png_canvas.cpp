#include "plot/png_canvas.h"

#include <numbers>
#include <vector>

#include "aerec/core/error.h"
#include "plot/drawing.h"

namespace aerec::plot {

namespace {

void check(cairo_status_t status, const char* what) {
  if (status != CAIRO_STATUS_SUCCESS)
    throw error(error_code::internal, std::string("cairo: ") + what + ": " + cairo_status_to_string(status));
}

double channel(std::uint8_t v) { return v / 255.0; }

}  // namespace

void select_font(cairo_t* cr, double size, bool bold) {
  cairo_select_font_face(cr, font_family, CAIRO_FONT_SLANT_NORMAL,
                         bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
}

double text_width(std::string_view utf8, double size, bool bold) {
  // One small surface per thread to measure on: cairo contexts are not shared between threads.
  thread_local std::unique_ptr<cairo_surface_t, void (*)(cairo_surface_t*)> surface(
      cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1), cairo_surface_destroy);
  thread_local std::unique_ptr<cairo_t, void (*)(cairo_t*)> cr(cairo_create(surface.get()), cairo_destroy);
  select_font(cr.get(), size, bold);
  cairo_text_extents_t extents;
  cairo_text_extents(cr.get(), clean_utf8(utf8).c_str(), &extents);
  return extents.x_advance;
}

png_canvas::png_canvas(int width, int height)
    : width_(width),
      height_(height),
      surface_(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height), cairo_surface_destroy),
      cr_(cairo_create(surface_.get()), cairo_destroy) {
  check(cairo_surface_status(surface_.get()), "cannot make the image");
  rectangle({0, 0, double(width), double(height)}, rgb(0xFFFFFF));
}

void png_canvas::set_source(colour c) {
  cairo_set_source_rgba(cr_.get(), channel(c.r), channel(c.g), channel(c.b), c.alpha);
}

void png_canvas::set_stroke(const stroke& s) {
  cairo_t* cr = cr_.get();
  set_source(s.paint);
  cairo_set_line_width(cr, s.width);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  const std::vector<double> lengths = dash_lengths(s.pattern, s.width);
  cairo_set_dash(cr, lengths.data(), static_cast<int>(lengths.size()), 0);
}

void png_canvas::polyline(std::span<const point> points, const stroke& s) {
  if (points.size() < 2) return;
  cairo_t* cr = cr_.get();
  cairo_new_path(cr);
  cairo_move_to(cr, points[0].x, points[0].y);
  for (const point& p : points.subspan(1)) cairo_line_to(cr, p.x, p.y);
  set_stroke(s);
  cairo_stroke(cr);
}

void png_canvas::circles(std::span<const point> centres, double radius, colour fill) {
  cairo_t* cr = cr_.get();
  set_source(fill);
  // Each filled on its own: overlapping points darken, as the SVG's separate circles do.
  for (const point& c : centres) {
    cairo_new_path(cr);
    cairo_arc(cr, c.x, c.y, radius, 0, 2 * std::numbers::pi);
    cairo_fill(cr);
  }
}

void png_canvas::rectangle(const box& b, colour fill) {
  cairo_t* cr = cr_.get();
  cairo_new_path(cr);
  cairo_rectangle(cr, b.x, b.y, b.width, b.height);
  set_source(fill);
  cairo_fill(cr);
}

void png_canvas::rectangle_outline(const box& b, const stroke& s) {
  cairo_t* cr = cr_.get();
  cairo_new_path(cr);
  cairo_rectangle(cr, b.x, b.y, b.width, b.height);
  set_stroke(s);
  cairo_stroke(cr);
}

void png_canvas::text(point at, std::string_view utf8, const text_style& style) {
  cairo_t* cr = cr_.get();
  const std::string content = clean_utf8(utf8);
  select_font(cr, style.size, style.bold);
  cairo_text_extents_t extents;
  cairo_text_extents(cr, content.c_str(), &extents);
  const double shift = style.across == anchor::start    ? 0
                       : style.across == anchor::middle ? extents.x_advance / 2
                                                        : extents.x_advance;
  cairo_save(cr);
  cairo_translate(cr, at.x, at.y);
  cairo_rotate(cr, style.angle * std::numbers::pi / 180);
  cairo_new_path(cr);
  cairo_move_to(cr, -shift, baseline_shift(style.vertical, style.size));
  if (style.halo > 0) {
    cairo_text_path(cr, content.c_str());
    set_stroke({rgb(0xFFFFFF), 2 * style.halo});
    cairo_stroke(cr);
    cairo_move_to(cr, -shift, baseline_shift(style.vertical, style.size));
  }
  set_source(style.paint);
  cairo_show_text(cr, content.c_str());
  cairo_restore(cr);
}

std::string png_canvas::encode() {
  cairo_surface_flush(surface_.get());
  check(cairo_status(cr_.get()), "drawing failed");
  std::string bytes;
  const auto append = [](void* closure, const unsigned char* data, unsigned int length) {
    static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
    return CAIRO_STATUS_SUCCESS;
  };
  check(cairo_surface_write_to_png_stream(surface_.get(), append, &bytes), "cannot encode the PNG");
  return bytes;
}

}  // namespace aerec::plot
