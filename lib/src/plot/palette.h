#pragma once
// Colours the charts share: Tableau 10, a qualitative palette whose colours
// stay apart on white, and the greys of text and grid.
#include <array>

#include "aerec/plot/canvas.h"

namespace aerec::plot {

inline constexpr std::array<colour, 10> tableau10 = {
    rgb(0x4e79a7), rgb(0xf28e2b), rgb(0xe15759), rgb(0x76b7b2), rgb(0x59a14f),
    rgb(0xedc948), rgb(0xb07aa1), rgb(0xff9da7), rgb(0x9c755f), rgb(0xbab0ac),
};

// Tableau 10's own grey, last in it: what a map's small groups share.
inline constexpr colour other_grey = tableau10[9];

inline constexpr colour title_ink = rgb(0x222222);
inline constexpr colour label_ink = rgb(0x333333);
inline constexpr colour tick_ink = rgb(0x555555);
inline constexpr colour axis_line = rgb(0x999999);
inline constexpr colour grid_line = rgb(0xe8e8e8);

// The i-th colour of the palette, cycling.
constexpr colour palette_colour(int i) { return tableau10[static_cast<std::size_t>(i) % tableau10.size()]; }

}  // namespace aerec::plot
