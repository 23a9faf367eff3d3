#include "aerec/map/model_codes.h"

namespace aerec {

namespace {

// Adds the code of a row of `ratings` (by external column id) as `id`'s.
void add_code(model& m, std::int32_t id, std::span<const item_rating> ratings, model_codes& out) {
  const std::vector<float> code = row_code(m, m.to_batch(std::span(&ratings, 1)));
  out.ids.push_back(id);
  out.codes.insert(out.codes.end(), code.begin(), code.end());
}

}  // namespace

std::vector<float> row_code(model& m, const sparse_batch& row) {
  std::vector<float> code = m.encode(row);
  // A variational code layer emits [mean | log-variance]: the mean is the code.
  code.resize(static_cast<std::size_t>(m.network().code_size()));
  return code;
}

model_codes column_codes(model& m) {
  model_codes out;
  out.size = m.network().code_size();
  for (std::int32_t c = 0; c < m.items().size(); ++c) {
    const item_rating only{m.items().id(c), m.scale().max};
    add_code(m, only.item_id, std::span(&only, 1), out);
  }
  return out;
}

model_codes row_codes(model& m, const ratings& rows, const id_map& row_ids, const id_map& col_ids) {
  model_codes out;
  out.size = m.network().code_size();
  for (std::int32_t r = 0; r < rows.rows(); ++r) {
    const auto cols = rows.row_cols(r);
    const auto values = rows.row_values(r);
    std::vector<item_rating> known;
    for (std::size_t k = 0; k < cols.size(); ++k)
      if (m.items().find(col_ids.id(cols[k]))) known.push_back({col_ids.id(cols[k]), values[k]});
    if (!known.empty()) add_code(m, row_ids.id(r), known, out);
  }
  return out;
}

}  // namespace aerec
