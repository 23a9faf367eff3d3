#pragma once
// The test figures (aerec/eval/test_figures.h) as text.
#include "aerec/eval/test_figures.h"

namespace aerec::cli {

// Prints `figures` on stdout; for an item-based model, why there are no
// top-N figures on stderr.
void print_figures(const test_figures& figures, const model_meaning& meaning);

}  // namespace aerec::cli
