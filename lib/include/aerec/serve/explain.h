#pragma once
// Why a movie is recommended: the rated movies whose ratings raise its score
// the most, found by leaving each rating out in turn.
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

namespace aerec {

// Scores every movie for users' dense rows (column order, items wide each,
// 0 = not rated), one row of scores per user, row-major.
using batch_scorer = std::function<std::vector<float>(std::span<const float> rows)>;

struct reason {
  std::int32_t column;  // the rated movie
  float rating;         // the user's rating of it
  float effect;         // how much it raises the score: with it minus without it (> 0)
};

// For each of `columns`, up to k rated movies of `row` with a positive effect,
// largest first. The row and its leave-one-out variants are scored in one
// batch, so the cost is one prediction of (ratings + 1) users. A low rating
// can be a reason: leaving it out can lower a score.
std::vector<std::vector<reason>> explain(const batch_scorer& score, std::span<const float> row,
                                         std::span<const std::int32_t> columns, std::size_t k);

}  // namespace aerec
