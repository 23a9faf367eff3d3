#include "aerec/map/model_codes.h"

#include <algorithm>
#include <utility>

namespace aerec {

namespace {

sparse_batch one_entry(int cols, int col, float value) {
  sparse_batch b;
  b.cols = cols;
  b.offsets = {0, 1};
  b.cols_index = {col};
  b.values = {value};
  return b;
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
    const std::vector<float> code = row_code(m, one_entry(m.items().size(), c, m.scale().max));
    out.ids.push_back(m.items().id(c));
    out.codes.insert(out.codes.end(), code.begin(), code.end());
  }
  return out;
}

model_codes row_codes(model& m, const ratings& rows, const id_map& row_ids, const id_map& col_ids) {
  model_codes out;
  out.size = m.network().code_size();
  for (std::int32_t r = 0; r < rows.rows(); ++r) {
    const auto cols = rows.row_cols(r);
    const auto values = rows.row_values(r);
    std::vector<std::pair<int, float>> known;  // in the model's columns, ascending
    for (std::size_t k = 0; k < cols.size(); ++k)
      if (const auto c = m.items().find(col_ids.id(cols[k]))) known.emplace_back(*c, values[k]);
    if (known.empty()) continue;
    std::sort(known.begin(), known.end());
    sparse_batch b;
    b.cols = m.items().size();
    for (const auto& [c, v] : known) {
      b.cols_index.push_back(c);
      b.values.push_back(v);
    }
    b.offsets = {0, b.nnz()};
    const std::vector<float> code = row_code(m, b);
    out.ids.push_back(row_ids.id(r));
    out.codes.insert(out.codes.end(), code.begin(), code.end());
  }
  return out;
}

}  // namespace aerec
