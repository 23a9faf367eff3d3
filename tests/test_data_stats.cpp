#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <map>
#include <vector>

#include "aerec/data/data_stats.h"

namespace {

aerec::rating_table table_of(std::vector<std::int32_t> users, std::vector<std::int32_t> items,
                             std::vector<float> values, std::vector<std::int64_t> timestamps = {}) {
  aerec::rating_table t;
  t.users = std::move(users);
  t.items = std::move(items);
  t.values = std::move(values);
  if (!timestamps.empty()) {
    const auto [first, last] = std::minmax_element(timestamps.begin(), timestamps.end());
    t.times = aerec::time_span{*first, *last};
  }
  return t;
}

}  // namespace

TEST_CASE("describe: figures of a small table, worked by hand", "[data_stats]") {
  // user 1: items 10, 20, 30; user 2: items 10, 20; user 7: item 10.
  const auto t = table_of({1, 1, 1, 2, 2, 7}, {10, 20, 30, 10, 20, 10}, {5, 3, 4, 3, 1, 3},
                          {300, 100, 900, 200, 500, 400});
  const aerec::data_stats s = aerec::describe(t);
  CHECK(s.ratings == 6);
  CHECK(s.users == 3);
  CHECK(s.items == 3);
  CHECK(s.density == Approx(6.0 / 9.0));
  CHECK(s.mean_rating == Approx(19.0 / 6.0));
  CHECK(s.histogram == std::map<float, std::size_t>{{1.0f, 1}, {3.0f, 3}, {4.0f, 1}, {5.0f, 1}});
  // Ratings per user 3, 2, 1; per item 3 (item 10), 2 (item 20), 1 (item 30).
  CHECK(s.per_user.min == 1);
  CHECK(s.per_user.max == 3);
  CHECK(s.per_user.mean == Approx(2.0));
  CHECK(s.per_user.median == 2.0);
  CHECK(s.per_item.min == 1);
  CHECK(s.per_item.max == 3);
  CHECK(s.per_item.median == 2.0);
  REQUIRE(s.has_timestamps);
  CHECK(s.first_timestamp == 100);
  CHECK(s.last_timestamp == 900);
}

TEST_CASE("describe: an even number of users takes the median halfway", "[data_stats]") {
  // Ratings per user: 1 -> 1, 2 -> 4, 3 -> 2, 4 -> 1; sorted 1 1 2 4, median (1 + 2) / 2.
  const auto t =
      table_of({2, 1, 2, 3, 2, 4, 3, 2}, {1, 1, 2, 1, 3, 1, 2, 4}, {0.5f, 4.5f, 4.5f, 2, 0.5f, 5, 2, 4.5f});
  const aerec::data_stats s = aerec::describe(t);
  CHECK(s.users == 4);
  CHECK(s.items == 4);
  CHECK(s.per_user.min == 1);
  CHECK(s.per_user.max == 4);
  CHECK(s.per_user.mean == Approx(2.0));
  CHECK(s.per_user.median == 1.5);
  // Ratings per item: 1 -> 4, 2 -> 2, 3 -> 1, 4 -> 1: the same spread.
  CHECK(s.per_item.median == 1.5);
  CHECK(s.density == Approx(8.0 / 16.0));
  // Half stars stay apart in the histogram.
  CHECK(s.histogram == std::map<float, std::size_t>{{0.5f, 2}, {2.0f, 2}, {4.5f, 3}, {5.0f, 1}});
  CHECK(s.mean_rating == Approx(23.5 / 8.0));
  CHECK_FALSE(s.has_timestamps);
}

TEST_CASE("describe: ratings off the half-star grid keep their own histogram entries", "[data_stats]") {
  const auto t = table_of({1, 1, 2, 2, 3, 3}, {1, 2, 1, 2, 1, 2}, {3.7f, 4, 1.25f, 4, 3.7f, 10});
  const aerec::data_stats s = aerec::describe(t);
  CHECK(s.histogram == std::map<float, std::size_t>{{1.25f, 1}, {3.7f, 2}, {4.0f, 2}, {10.0f, 1}});
  CHECK(s.mean_rating == Approx((3.7 + 4 + 1.25 + 4 + 3.7 + 10) / 6).epsilon(1e-6));
}

TEST_CASE("describe: sparse, huge ids count the same as small ones", "[data_stats]") {
  // Ids far apart take the sorting path rather than a counting array.
  const std::int32_t big = 2'000'000'000;
  const auto t = table_of({big, 0, big, 5, big}, {7, big, big, 7, 123'456'789}, {1, 2, 3, 4, 5});
  const aerec::data_stats s = aerec::describe(t);
  CHECK(s.users == 3);
  CHECK(s.items == 3);
  CHECK(s.per_user.max == 3);     // user `big`
  CHECK(s.per_user.median == 1);  // 1 1 3
  CHECK(s.per_item.max == 2);     // items 7 and `big`
  CHECK(s.per_item.min == 1);
  CHECK(s.per_item.median == 2);  // 1 2 2
}

TEST_CASE("describe: one rating, and none", "[data_stats]") {
  const aerec::data_stats one = aerec::describe(table_of({3}, {9}, {4}, {1234}));
  CHECK(one.ratings == 1);
  CHECK(one.density == 1.0);
  CHECK(one.per_user.median == 1.0);
  CHECK(one.first_timestamp == 1234);
  CHECK(one.last_timestamp == 1234);

  const aerec::data_stats none = aerec::describe(aerec::rating_table{});
  CHECK(none.ratings == 0);
  CHECK(none.users == 0);
  CHECK(none.density == 0.0);
  CHECK(none.histogram.empty());
  CHECK_FALSE(none.has_timestamps);
}
