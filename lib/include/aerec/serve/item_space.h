#pragma once
// The model's item space: each movie as the vector of its weights into the
// output layer (the hidden units that raise its prediction), and the movies
// nearest a given one by cosine similarity ("more like this").
#include <cstdint>
#include <vector>

#include "aerec/nn/model.h"

namespace aerec {

struct neighbour {
  std::int32_t column;
  float similarity;  // cosine, -1..1
};

class item_space {
 public:
  // Throws error_code::invalid_argument for a model whose last layer has no
  // weight per movie (an item-based model's outputs are users).
  explicit item_space(model& m);

  std::int32_t items() const { return items_; }
  int width() const { return width_; }

  // The k movies most like `column` (itself excluded), most similar first;
  // ties by column. Throws invalid_argument for a column out of range.
  std::vector<neighbour> nearest(std::int32_t column, std::size_t k) const;

 private:
  std::int32_t items_ = 0;
  int width_ = 0;
  std::vector<float> unit_;  // items x width, each row scaled to length 1 (0 stays 0)
};

}  // namespace aerec
