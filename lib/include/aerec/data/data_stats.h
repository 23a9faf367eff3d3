#pragma once
// Descriptive figures of a rating file, for `aerec data info`.
#include <cstdint>
#include <map>

#include "aerec/data/rating_reader.h"

namespace aerec {

// Ratings per user (or per item): how they are spread.
struct count_spread {
  std::int64_t min = 0;
  std::int64_t max = 0;
  double mean = 0;
  double median = 0;
};

struct data_stats {
  std::size_t ratings = 0;
  std::size_t users = 0;
  std::size_t items = 0;
  double density = 0;  // ratings / (users * items)
  double mean_rating = 0;
  std::map<float, std::size_t> histogram;  // rating value -> count
  count_spread per_user;
  count_spread per_item;
  bool has_timestamps = false;
  std::int64_t first_timestamp = 0;  // when has_timestamps
  std::int64_t last_timestamp = 0;
};

data_stats describe(const rating_table& table);

}  // namespace aerec
