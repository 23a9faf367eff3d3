#pragma once
// Ratings as implicit feedback, for the multinomial objective (Mult-VAE and
// Mult-DAE, following Liang et al.'s protocol for MovieLens).
#include "aerec/data/dataset.h"
#include "aerec/data/sparse_batch.h"

namespace aerec {

// The rating at or above which a rating is an interaction (4 of 5 stars).
inline constexpr float liked_rating = 4;

// Only ratings >= threshold remain, in every part (a lower rating is no
// interaction at all). What models take as input (the training rows and the
// held-out users' fold-in ratings) becomes each row's L2-normalised
// indicator, 1 / sqrt(the row's count) per item, as Mult-VAE normalises its
// input; targets keep their ratings.
dataset implicit_feedback(const dataset& d, float threshold);

// One ratings matrix so: the ratings >= threshold, valued as above when `normalise`.
ratings implicit_feedback(const ratings& r, float threshold, bool normalise);
// The same for a batch of users' ratings, normalised: what a ranking model takes.
sparse_batch implicit_feedback(const sparse_batch& b, float threshold);

}  // namespace aerec
