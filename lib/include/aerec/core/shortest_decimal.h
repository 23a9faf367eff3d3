#pragma once
// A float as the fewest decimal digits that read back as the same float, held
// in a double (JSON prints a double exactly: 0.1f widened prints as
// 0.10000000149011612, this as 0.1). For figures and weights written as JSON.

namespace aerec {

double shortest_decimal(float value);

}  // namespace aerec
