#pragma once
// The codes a taste map places, taken from a model. A row's code is the code
// layer's activations for it (a variational code's mean). A column has no
// row of its own, so its code is that of a row whose only rating is that
// column at the top of the scale (for a ranking model: liked): for a
// user-based model a movie's code is the code of a user who loved just that
// movie, in the same space as every user's code, so a visitor's code lands
// among the movies they like; for an item-based model, a user's code is the
// code of a movie loved by that user alone.
#include <cstdint>
#include <vector>

#include "aerec/data/ratings.h"
#include "aerec/data/sparse_batch.h"
#include "aerec/nn/model.h"

namespace aerec {

struct model_codes {
  int size = 0;                   // floats per code
  std::vector<std::int32_t> ids;  // the external id of each code's row or column
  std::vector<float> codes;       // ids.size() x size, row-major
};

// One row's code (a batch of one row, as model::to_batch makes it).
std::vector<float> row_code(model& m, const sparse_batch& row);
// Every column's code, in column order (ids: m.items()).
model_codes column_codes(model& m);
// The code of every row of `rows` (ids `row_ids`; columns `col_ids`) that
// rates a column the model has; ratings of columns it lacks are left out.
// Throws error_code::invalid_argument, as model::to_batch does, for a rating
// outside the model's scale.
model_codes row_codes(model& m, const ratings& rows, const id_map& row_ids, const id_map& col_ids);

}  // namespace aerec
