#include "aerec/data/data_stats.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

namespace aerec {

namespace {

// How many ratings each distinct id has, in no particular order. Ids whose
// range is small next to the number of ratings (MovieLens: a few hundred
// thousand at most) are counted in an array indexed by id; others are sorted,
// which costs a copy of the column but never a hash map of millions of entries.
std::vector<std::int64_t> ratings_per_id(const std::vector<std::int32_t>& ids) {
  std::vector<std::int64_t> counts;
  if (ids.empty()) return counts;
  const auto [lo, hi] = std::minmax_element(ids.begin(), ids.end());
  const auto span = static_cast<std::uint64_t>(static_cast<std::int64_t>(*hi) - *lo) + 1;
  if (span <= 2 * ids.size() + (1u << 20)) {
    std::vector<std::uint32_t> by_id(static_cast<std::size_t>(span), 0);
    for (const std::int32_t id : ids) ++by_id[static_cast<std::size_t>(static_cast<std::int64_t>(id) - *lo)];
    for (const std::uint32_t n : by_id)
      if (n > 0) counts.push_back(n);
    return counts;
  }
  std::vector<std::int32_t> sorted = ids;
  std::sort(sorted.begin(), sorted.end());
  for (auto run = sorted.begin(); run != sorted.end();) {
    const auto next = std::upper_bound(run, sorted.end(), *run);
    counts.push_back(next - run);
    run = next;
  }
  return counts;
}

count_spread spread_of(std::vector<std::int64_t> counts, std::size_t total) {
  count_spread s;
  if (counts.empty()) return s;
  const auto [lo, hi] = std::minmax_element(counts.begin(), counts.end());
  s.min = *lo;
  s.max = *hi;
  s.mean = static_cast<double>(total) / static_cast<double>(counts.size());
  const std::size_t mid = counts.size() / 2;
  std::nth_element(counts.begin(), counts.begin() + static_cast<std::ptrdiff_t>(mid), counts.end());
  const auto upper = static_cast<double>(counts[mid]);
  if (counts.size() % 2 == 1) {
    s.median = upper;
  } else {
    // The lower middle is the largest of the elements before `mid`.
    const auto lower = *std::max_element(counts.begin(), counts.begin() + static_cast<std::ptrdiff_t>(mid));
    s.median = (static_cast<double>(lower) + upper) / 2;
  }
  return s;
}

// Rating value -> count. Values on the half-star grid 0..10 (all of
// MovieLens's) are counted in an array, which spares 25M map look-ups whose
// branches a random order of ratings defeats; any others go to the map.
std::map<float, std::size_t> histogram_of(const std::vector<float>& values) {
  constexpr int grid_max = 20;  // 10 stars, in halves
  std::array<std::size_t, grid_max + 1> grid{};
  std::map<float, std::size_t> out;
  for (const float v : values) {
    const float halves = v * 2;
    if (halves >= 0 && halves <= grid_max && halves == std::floor(halves))
      ++grid[static_cast<std::size_t>(halves)];
    else
      ++out[v];
  }
  for (std::size_t i = 0; i < grid.size(); ++i)
    if (grid[i] > 0) out[static_cast<float>(i) / 2] += grid[i];
  return out;
}

}  // namespace

data_stats describe(const rating_table& table) {
  data_stats s;
  s.ratings = table.size();
  if (s.ratings == 0) return s;

  std::vector<std::int64_t> per_user = ratings_per_id(table.users);
  std::vector<std::int64_t> per_item = ratings_per_id(table.items);
  s.users = per_user.size();
  s.items = per_item.size();
  s.density = static_cast<double>(s.ratings) / (static_cast<double>(s.users) * static_cast<double>(s.items));
  s.per_user = spread_of(std::move(per_user), s.ratings);
  s.per_item = spread_of(std::move(per_item), s.ratings);

  s.histogram = histogram_of(table.values);
  double sum = 0;
  for (const auto& [value, count] : s.histogram)
    sum += static_cast<double>(value) * static_cast<double>(count);
  s.mean_rating = sum / static_cast<double>(s.ratings);

  if (table.times) {
    s.has_timestamps = true;
    s.first_timestamp = table.times->first;
    s.last_timestamp = table.times->last;
  }
  return s;
}

}  // namespace aerec
