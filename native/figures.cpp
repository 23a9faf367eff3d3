#include "figures.h"

#include <cstdio>

#include "output.h"

namespace aerec::cli {

void print_figures(const test_figures& f, const model_meaning& meaning) {
  if (f.rating) print_test_figures(*f.rating, *f.global_mean);
  if (f.ranking) print_ranking_figures(*f.ranking, *f.popularity);
  if (f.next_item) print_next_item_figures(*f.next_item);
  if (meaning.rows == row_kind::items)
    std::fprintf(stderr,
                 "aerec: note: top-N figures skipped: an item-based model predicts a movie's "
                 "column of users, not a user's row of movies\n");
}

}  // namespace aerec::cli
