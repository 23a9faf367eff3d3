#pragma once
// A split data set written out as CSV files, so that another program (the
// demo's quality benchmark in Node, a Python peer) scores exactly the users
// and ratings aerec holds out.
#include <filesystem>
#include <string>
#include <vector>

#include "aerec/data/dataset.h"

namespace aerec {

// Writes each part that `d` has into `dir` as "user,movie,rating" CSV with a
// header, in original ids, rows in user order: train.csv, and for the test
// part and the validation slice <part>-target.csv plus, for held-out users,
// <part>-input.csv (their fold-in ratings; on the split `last`, the test
// targets' inputs: training plus validation ratings). On the split `last` a
// fourth column, order, gives each movie's place in its user's time order (1
// the first; the validation target after the training movies, the test target
// last), and each user's rows follow it. Each file is written atomically.
// Returns the file names written.
std::vector<std::string> write_split_files(const dataset& d, const std::filesystem::path& dir);

}  // namespace aerec
