#include "aerec/plot/image_grid.h"

#include <algorithm>
#include <cmath>

#include "aerec/core/error.h"
#include "aerec/plot/image_file.h"
#include "plot/palette.h"

namespace aerec::plot {

namespace {

constexpr double margin = 12, label_size = 13, label_gap = 12, image_gap = 2, row_gap = 8;

error bad_grid(const std::string& reason) {
  return error(error_code::invalid_argument, "image grid: " + reason);
}

// The number of images in each row, checked to be the same.
int images_per_row(const std::vector<image_row>& rows, int height, int width, int scale) {
  if (height < 1 || width < 1 || scale < 1) throw bad_grid("the image size and scale must be at least 1");
  if (rows.empty()) throw bad_grid("no rows");
  const std::size_t size = static_cast<std::size_t>(height) * static_cast<std::size_t>(width);
  for (const image_row& r : rows) {
    if (r.pixels.size() % size != 0)
      throw bad_grid("row '" + r.label + "' holds " + std::to_string(r.pixels.size()) +
                     " pixels, not a whole number of " + std::to_string(height) + "x" +
                     std::to_string(width) + " images");
    if (r.pixels.size() != rows.front().pixels.size())
      throw bad_grid("row '" + r.label + "' holds " + std::to_string(r.pixels.size() / size) +
                     " images, row '" + rows.front().label + "' " +
                     std::to_string(rows.front().pixels.size() / size));
  }
  if (rows.front().pixels.empty()) throw bad_grid("no images");
  return static_cast<int>(rows.front().pixels.size() / size);
}

std::uint8_t grey_level(float value) {
  const float v = !(value > 0) ? 0.0f : std::min(value, 1.0f);  // NaN shows black
  return static_cast<std::uint8_t>(std::lround(v * 255));
}

// One image at `at`: each run of equal greys along a line is one rectangle,
// at whole-pixel positions, so that squares stay crisp and an SVG stays small.
void draw_image(canvas& c, point at, const float* pixels, int height, int width, int scale) {
  for (int y = 0; y < height; ++y) {
    const float* line = pixels + static_cast<std::ptrdiff_t>(y) * width;
    for (int x = 0; x < width;) {
      const std::uint8_t grey = grey_level(line[x]);
      int end = x + 1;
      while (end < width && grey_level(line[end]) == grey) ++end;
      c.rectangle({at.x + x * scale, at.y + y * scale, double((end - x) * scale), double(scale)},
                  {grey, grey, grey});
      x = end;
    }
  }
}

}  // namespace

void write_image_grid(const std::filesystem::path& file, const std::vector<image_row>& rows, int height,
                      int width, int scale) {
  const image_format format = format_of(file);
  const int count = images_per_row(rows, height, width, scale);
  const int row_count = static_cast<int>(rows.size());
  double label_width = 0;
  for (const image_row& r : rows) label_width = std::max(label_width, text_width(r.label, label_size));
  const int tile_width = width * scale, tile_height = height * scale;
  const double left = margin + std::ceil(label_width) + label_gap;
  const double grid_width = count * tile_width + (count - 1) * image_gap;
  const double grid_height = row_count * tile_height + (row_count - 1) * row_gap;
  const auto c = make_canvas(format, static_cast<int>(left + grid_width + margin),
                             static_cast<int>(margin + grid_height + margin));
  const auto image_size = static_cast<std::size_t>(height) * static_cast<std::size_t>(width);
  for (int r = 0; r < row_count; ++r) {
    const image_row& row = rows[static_cast<std::size_t>(r)];
    const double top = margin + r * (tile_height + row_gap);
    c->text({left - label_gap, top + tile_height / 2.0}, row.label,
            {.size = label_size, .paint = label_ink, .across = anchor::end, .vertical = baseline::middle});
    for (int i = 0; i < count; ++i)
      draw_image(*c, {left + i * (tile_width + image_gap), top}, row.pixels.data() + i * image_size, height,
                 width, scale);
  }
  save(*c, file);
}

}  // namespace aerec::plot
