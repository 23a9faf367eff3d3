#include "aerec/plot/image_file.h"

#include <algorithm>
#include <cctype>

#include "aerec/core/error.h"
#include "aerec/io/file_io.h"
#include "plot/png_canvas.h"
#include "plot/svg_canvas.h"

namespace aerec::plot {

image_format format_of(const std::filesystem::path& path) {
  std::string extension = path.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (extension == ".svg") return image_format::svg;
  if (extension == ".png") return image_format::png;
  throw error(error_code::invalid_argument,
              path.string() + ": a picture is written as .svg or .png (named by the extension)");
}

std::unique_ptr<canvas> make_canvas(image_format format, int width, int height) {
  if (format == image_format::svg) return std::make_unique<svg_canvas>(width, height);
  return std::make_unique<png_canvas>(width, height);
}

void save(canvas& c, const std::filesystem::path& path) { write_file_atomic(path, c.encode()); }

}  // namespace aerec::plot
