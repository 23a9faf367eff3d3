#pragma once
// Picture files: the format a path's extension names, a canvas for it, and
// the atomic write (io/file_io.h), so that a failed write leaves no partial file.
#include <filesystem>
#include <memory>

#include "aerec/plot/canvas.h"

namespace aerec::plot {

enum class image_format { svg, png };

// By the extension, in any case: .svg or .png. Throws error_code::invalid_argument
// naming the path for any other.
image_format format_of(const std::filesystem::path& path);

// A white canvas of `width` x `height` pixels that encodes as `format`.
std::unique_ptr<canvas> make_canvas(image_format format, int width, int height);

// Writes the canvas' encoding to `path` atomically; throws error_code::io_error naming the path.
void save(canvas& c, const std::filesystem::path& path);

}  // namespace aerec::plot
