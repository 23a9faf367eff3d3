#pragma once
// A grid of small grey images, row by row, each row labelled at its left: an
// image autoencoder's originals, noisy inputs and reconstructions, one above
// the other.
#include <filesystem>
#include <string>
#include <vector>

namespace aerec::plot {

struct image_row {
  std::string label;          // "original", "noisy 0.5", "reconstructed"
  std::vector<float> pixels;  // k images of height*width grey values in [0, 1] (0 black), one after another
};

// Draws each image pixel as a `scale` x `scale` square (values outside [0, 1]
// clipped), the images of a row side by side with a thin gap, and writes the
// grid to `file`, a PNG or an SVG by its extension, atomically. Throws
// error_code::invalid_argument for another extension, no rows or images, rows
// of different lengths, pixels that are not a whole number of images, or a
// size or scale below 1; io_error naming the file when it cannot be written.
void write_image_grid(const std::filesystem::path& file, const std::vector<image_row>& rows, int height,
                      int width, int scale = 3);

}  // namespace aerec::plot
