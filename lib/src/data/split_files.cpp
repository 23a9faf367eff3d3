#include "aerec/data/split_files.h"

#include <algorithm>
#include <cstdio>
#include <numeric>
#include <optional>

#include "aerec/io/file_io.h"

namespace aerec {

namespace {

// Text that reads back as the same float, short for ratings ("4", "3.5").
void append_float(std::string& out, float value) {
  char buffer[32];
  const int n = std::snprintf(buffer, sizeof buffer, "%.9g", static_cast<double>(value));
  out.append(buffer, static_cast<std::size_t>(n));
}

// On the split `last`, each movie's place in its user's time order (1 the
// first): n training movies, then the validation target at n + 1 and the test
// target at n + 2 (those places even when the other target was left out).
class time_places {
 public:
  explicit time_places(const dataset& d) : d_(d), place_(static_cast<std::size_t>(d.items.size()), 0) {}

  // The places of `row`'s movies, valid until the next call.
  const std::vector<std::int32_t>& of(std::int32_t row) {
    for (const std::int32_t col : set_) place_[static_cast<std::size_t>(col)] = 0;
    set_.clear();
    std::int32_t next = 0;
    const auto place = [&](std::int32_t col, std::int32_t at) {
      place_[static_cast<std::size_t>(col)] = at;
      set_.push_back(col);
    };
    if (static_cast<std::size_t>(row) < d_.train_order.size())
      for (const std::int32_t col : d_.train_order[static_cast<std::size_t>(row)]) place(col, ++next);
    for (const auto& [target, after] : {std::pair{&d_.validation.target, 1}, std::pair{&d_.test.target, 2}})
      if (row < target->rows())
        for (const std::int32_t col : target->row_cols(row)) place(col, next + after);
    return place_;
  }

 private:
  const dataset& d_;
  std::vector<std::int32_t> place_, set_;
};

std::string csv_of(const ratings& part, const dataset& d, time_places* places) {
  std::string out = places ? "user,movie,rating,order\n" : "user,movie,rating\n";
  std::vector<std::size_t> entries;
  for (std::int32_t row = 0; row < part.rows(); ++row) {
    const auto cols = part.row_cols(row);
    const auto values = part.row_values(row);
    const std::string user = std::to_string(d.users.id(row)) + ",";
    entries.resize(cols.size());
    std::iota(entries.begin(), entries.end(), std::size_t{0});
    const std::vector<std::int32_t>* place = places ? &places->of(row) : nullptr;
    const auto at = [&](std::size_t e) { return (*place)[static_cast<std::size_t>(cols[e])]; };
    if (place)
      std::sort(entries.begin(), entries.end(), [&](std::size_t a, std::size_t b) { return at(a) < at(b); });
    for (const std::size_t e : entries) {
      out += user;
      out += std::to_string(d.items.id(cols[e]));
      out += ',';
      append_float(out, values[e]);
      if (place) out += ',' + std::to_string(at(e));
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
  std::optional<time_places> places;
  if (!d.train_order.empty()) places.emplace(d);
  std::vector<std::string> written;
  for (const auto& [name, part] : parts) {
    write_file_atomic(dir / name, csv_of(*part, d, places ? &*places : nullptr));
    written.push_back(name);
  }
  return written;
}

}  // namespace aerec
