#pragma once
// What the SVG and the cairo canvas share, so that both draw the same picture.
#include <string>
#include <string_view>
#include <vector>

#include "aerec/plot/canvas.h"

namespace aerec::plot {

// The font both canvases set text in (and the SVG's fallbacks, for a viewer without it).
inline constexpr const char* font_family = "DejaVu Sans";

// `utf8` with each invalid sequence replaced by U+FFFD and control characters
// dropped: text an XML parser and cairo both accept.
std::string clean_utf8(std::string_view utf8);

// How far below the given point the baseline lies for text of `size` (DejaVu
// Sans' proportions), so that neither format needs its own baseline rules.
double baseline_shift(baseline b, double size);

// On and off lengths of a dashed or dotted line of `width` (empty: solid).
std::vector<double> dash_lengths(dash pattern, double width);

}  // namespace aerec::plot
