#include "aerec/train/code_dropout.h"

namespace aerec {

bool survives(rng& random, float rate) { return rate == 0 || !(random.uniform() < rate); }

const sparse_view* code_dropout::draw(autoencoder& network, rng& random, int rows) {
  return draw(network, random, batch_share{0, rows, rows});
}

const sparse_view* code_dropout::draw(autoencoder& network, rng& random, const batch_share& share) {
  if (rate_ == 0) return nullptr;
  const int units = network.code_size();
  kept_.cols = units;
  kept_.offsets.assign(1, 0);
  // Every unit's index is written and kept only if it survives: no branch to
  // mispredict on a coin flip (this loop is most of a GPU epoch's host time).
  kept_.cols_index.resize(static_cast<std::size_t>(share.rows()) * static_cast<std::size_t>(units));
  std::size_t n = 0;
  for (int r = 0; r < share.total; ++r) {
    const bool mine = r >= share.begin && r < share.end;
    for (std::int32_t j = 0; j < units; ++j) {
      const bool kept = survives(random, rate_);
      if (!mine) continue;
      kept_.cols_index[n] = j;
      n += kept ? 1 : 0;
    }
    if (mine) kept_.offsets.push_back(static_cast<int>(n));
  }
  kept_.cols_index.resize(n);
  kept_.values.assign(n, 1 / (1 - rate_));
  mask_.assign(network.device(), kept_);
  view_ = mask_.view();
  return &view_;
}

}  // namespace aerec
