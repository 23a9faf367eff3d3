#include "aerec/data/split_files.h"

#include <cstdio>

#include "aerec/io/file_io.h"

namespace aerec {

namespace {

// Text that reads back as the same float, short for ratings ("4", "3.5").
void append_float(std::string& out, float value) {
  char buffer[32];
  const int n = std::snprintf(buffer, sizeof buffer, "%.9g", static_cast<double>(value));
  out.append(buffer, static_cast<std::size_t>(n));
}

std::string csv_of(const ratings& part, const id_map& users, const id_map& items) {
  std::string out = "user,movie,rating\n";
  for (std::int32_t row = 0; row < part.rows(); ++row) {
    const auto cols = part.row_cols(row);
    const auto values = part.row_values(row);
    const std::string user = std::to_string(users.id(row)) + ",";
    for (std::size_t e = 0; e < cols.size(); ++e) {
      out += user;
      out += std::to_string(items.id(cols[e]));
      out += ',';
      append_float(out, values[e]);
      out += '\n';
    }
  }
  return out;
}

}  // namespace

std::vector<std::string> write_split_files(const dataset& d, const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  std::vector<std::pair<std::string, const ratings*>> parts = {{"train.csv", &d.train}};
  for (const auto& [name, part] : {std::pair{"test", &d.test}, std::pair{"validation", &d.validation}}) {
    if (part->target.nnz() == 0) continue;
    parts.emplace_back(std::string(name) + "-target.csv", &part->target);
    if (part->input.rows() > 0) parts.emplace_back(std::string(name) + "-input.csv", &part->input);
  }
  std::vector<std::string> written;
  for (const auto& [name, part] : parts) {
    write_file_atomic(dir / name, csv_of(*part, d.users, d.items));
    written.push_back(name);
  }
  return written;
}

}  // namespace aerec
