#pragma once
// What the plot tests share: a PNG read back through cairo, and an SVG checked
// by an XML parser (Python's, skipped with a warning where python3 is absent).
#include <cairo.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "aerec/plot/canvas.h"

namespace aerec::testing {

struct decoded_png {
  int width = 0, height = 0;
  std::vector<std::uint32_t> pixels;  // 0xAARRGGBB, row by row

  // Whether some pixel is `c` (opaque), each channel within `tolerance`.
  bool has(plot::colour c, int tolerance = 6) const {
    const auto near = [&](std::uint32_t p, int shift, std::uint8_t v) {
      return std::abs(static_cast<int>((p >> shift) & 0xFF) - v) <= tolerance;
    };
    for (const std::uint32_t p : pixels)
      if ((p >> 24) == 0xFF && near(p, 16, c.r) && near(p, 8, c.g) && near(p, 0, c.b)) return true;
    return false;
  }
};

inline decoded_png read_png(const std::filesystem::path& path) {
  cairo_surface_t* s = cairo_image_surface_create_from_png(path.string().c_str());
  REQUIRE(cairo_surface_status(s) == CAIRO_STATUS_SUCCESS);
  decoded_png png;
  png.width = cairo_image_surface_get_width(s);
  png.height = cairo_image_surface_get_height(s);
  const int stride = cairo_image_surface_get_stride(s);
  const unsigned char* data = cairo_image_surface_get_data(s);
  for (int y = 0; y < png.height; ++y) {
    const auto* row = reinterpret_cast<const std::uint32_t*>(data + y * stride);
    png.pixels.insert(png.pixels.end(), row, row + png.width);
  }
  cairo_surface_destroy(s);
  return png;
}

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Whether python3's XML parser reads the file; true (with a warning) without python3.
inline bool parses_as_xml(const std::filesystem::path& path) {
  if (std::system("python3 -c '' >/dev/null 2>&1") != 0) {
    WARN("python3 not found: the SVG's XML is not checked");
    return true;
  }
  const std::string command =
      "python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' '" + path.string() + "'";
  return std::system(command.c_str()) == 0;
}

}  // namespace aerec::testing
