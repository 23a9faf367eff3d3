#include <catch2/catch.hpp>
#include <optional>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include "aerec/core/error.h"
#include "aerec/data/dataset.h"
#include "aerec/data/id_map.h"
#include "aerec/data/ratings.h"
#include "expect_error.h"

using aerec::testing::code_name;
using aerec::testing::error_from;
using Catch::Matchers::Contains;

namespace {

template <class T>
std::vector<T> to_vector(std::span<const T> s) {
  return {s.begin(), s.end()};
}

// Entries as comparable tuples; floats compared exactly since they are only copied.
std::vector<std::tuple<std::int32_t, std::int32_t, float>> as_tuples(
    const std::vector<aerec::rating_entry>& entries) {
  std::vector<std::tuple<std::int32_t, std::int32_t, float>> out;
  for (const auto& e : entries) out.emplace_back(e.row, e.col, e.value);
  return out;
}

void require_same(const aerec::ratings& a, const aerec::ratings& b) {
  REQUIRE(a.rows() == b.rows());
  REQUIRE(a.cols() == b.cols());
  CHECK(to_vector(a.offsets()) == to_vector(b.offsets()));
  CHECK(to_vector(a.cols_index()) == to_vector(b.cols_index()));
  CHECK(to_vector(a.values()) == to_vector(b.values()));
}

// 4 users x 5 items; row 0 and row 3 stay empty so both ends of the offsets are exercised.
aerec::ratings sample() {
  const std::vector<aerec::rating_entry> unordered = {
      {2, 4, 5.0f}, {1, 3, 2.0f}, {2, 0, 1.0f}, {1, 0, 4.5f}, {2, 2, 3.0f}, {1, 1, 1.5f},
  };
  return aerec::ratings(4, 5, unordered);
}

}  // namespace

TEST_CASE("ratings: default-constructed is empty", "[ratings]") {
  const aerec::ratings r;
  CHECK(r.rows() == 0);
  CHECK(r.cols() == 0);
  CHECK(r.nnz() == 0);
  CHECK(to_vector(r.offsets()) == std::vector<std::int64_t>{0});
  CHECK(r.entries().empty());
}

TEST_CASE("ratings: CSR from unordered entries", "[ratings]") {
  const aerec::ratings r = sample();
  CHECK(r.rows() == 4);
  CHECK(r.cols() == 5);
  CHECK(r.nnz() == 6);
  CHECK(to_vector(r.offsets()) == std::vector<std::int64_t>{0, 0, 3, 6, 6});

  CHECK(r.row_size(0) == 0);
  CHECK(r.row_size(1) == 3);
  CHECK(r.row_size(2) == 3);
  CHECK(r.row_size(3) == 0);
  CHECK(r.row_cols(0).empty());
  CHECK(r.row_values(3).empty());

  // Columns come out sorted within each row and values follow their columns.
  CHECK(to_vector(r.row_cols(1)) == std::vector<std::int32_t>{0, 1, 3});
  CHECK(to_vector(r.row_values(1)) == std::vector<float>{4.5f, 1.5f, 2.0f});
  CHECK(to_vector(r.row_cols(2)) == std::vector<std::int32_t>{0, 2, 4});
  CHECK(to_vector(r.row_values(2)) == std::vector<float>{1.0f, 3.0f, 5.0f});
}

TEST_CASE("ratings: no entries gives all-empty rows", "[ratings]") {
  const aerec::ratings r(3, 2, std::vector<aerec::rating_entry>{});
  CHECK(r.rows() == 3);
  CHECK(r.cols() == 2);
  CHECK(r.nnz() == 0);
  CHECK(to_vector(r.offsets()) == std::vector<std::int64_t>{0, 0, 0, 0});
  for (std::int32_t row = 0; row < 3; ++row) CHECK(r.row_size(row) == 0);
}

TEST_CASE("ratings: entries() lists row-major and rebuilds the same matrix", "[ratings]") {
  const aerec::ratings r = sample();
  const auto entries = r.entries();
  using t = std::tuple<std::int32_t, std::int32_t, float>;
  CHECK(as_tuples(entries) ==
        std::vector<t>{{1, 0, 4.5f}, {1, 1, 1.5f}, {1, 3, 2.0f}, {2, 0, 1.0f}, {2, 2, 3.0f}, {2, 4, 5.0f}});
  require_same(aerec::ratings(r.rows(), r.cols(), entries), r);
}

TEST_CASE("ratings: transpose is item-major and an involution", "[ratings]") {
  const aerec::ratings r = sample();
  const aerec::ratings t = r.transpose();
  CHECK(t.rows() == 5);
  CHECK(t.cols() == 4);
  CHECK(t.nnz() == r.nnz());
  CHECK(to_vector(t.offsets()) == std::vector<std::int64_t>{0, 2, 3, 4, 5, 6});
  // Item 0 was rated by users 1 (4.5) and 2 (1.0).
  CHECK(to_vector(t.row_cols(0)) == std::vector<std::int32_t>{1, 2});
  CHECK(to_vector(t.row_values(0)) == std::vector<float>{4.5f, 1.0f});
  CHECK(to_vector(t.row_cols(3)) == std::vector<std::int32_t>{1});
  CHECK(to_vector(t.row_values(3)) == std::vector<float>{2.0f});
  CHECK(to_vector(t.row_cols(4)) == std::vector<std::int32_t>{2});
  CHECK(to_vector(t.row_values(4)) == std::vector<float>{5.0f});

  require_same(t.transpose(), r);
}

TEST_CASE("id_map: insert, find, index_of", "[ratings]") {
  aerec::id_map m;
  CHECK(m.size() == 0);
  CHECK(m.insert(50) == 0);
  CHECK(m.insert(7) == 1);
  CHECK(m.insert(50) == 0);  // already known: same index, no growth
  CHECK(m.insert(1000) == 2);
  CHECK(m.size() == 3);
  CHECK(to_vector(m.ids()) == std::vector<std::int32_t>{50, 7, 1000});
  CHECK(m.id(1) == 7);

  CHECK(m.find(7) == std::optional<std::int32_t>(1));
  CHECK_FALSE(m.find(8).has_value());
  CHECK(m.index_of(1000, "movie") == 2);

  const auto e = error_from([&] { m.index_of(1234, "movie"); });
  REQUIRE(e);
  CHECK(code_name(*e) == "unknown_id");
  CHECK_THAT(e->what(), Contains("1234") && Contains("movie"));

  const auto u = error_from([&] { m.index_of(99, "user"); });
  REQUIRE(u);
  CHECK(code_name(*u) == "unknown_id");
  CHECK_THAT(u->what(), Contains("99") && Contains("user"));
}

TEST_CASE("id_map: constructor keeps order and rejects duplicates", "[ratings]") {
  const aerec::id_map m(std::vector<std::int32_t>{30, 10, 20});
  CHECK(m.size() == 3);
  CHECK(m.index_of(30, "movie") == 0);
  CHECK(m.index_of(10, "movie") == 1);
  CHECK(m.index_of(20, "movie") == 2);

  const auto e = error_from([] { aerec::id_map(std::vector<std::int32_t>{4, 9, 4}); });
  REQUIRE(e);
  CHECK(code_name(*e) == "invalid_argument");
  CHECK_THAT(e->what(), Contains("duplicate") && Contains("4"));
}

TEST_CASE("reindex_items: moves columns to another id map and counts drops", "[ratings]") {
  const aerec::id_map from(std::vector<std::int32_t>{10, 20, 30, 40});
  const aerec::id_map to(std::vector<std::int32_t>{40, 10, 50});
  // Users 0 and 2 rate items 10, 20, 30, 40 in various ways; user 1 rates nothing.
  const std::vector<aerec::rating_entry> entries = {
      {0, 0, 5.0f}, {0, 1, 4.0f}, {0, 3, 3.0f}, {2, 2, 2.0f}, {2, 3, 1.0f},
  };
  const aerec::ratings r(3, from.size(), entries);

  std::size_t dropped = 99;  // must be overwritten, not added to
  const aerec::ratings moved = aerec::reindex_items(r, from, to, dropped);
  CHECK(dropped == 2);  // items 20 and 30 are unknown to `to`
  CHECK(moved.rows() == 3);
  CHECK(moved.cols() == 3);
  using t = std::tuple<std::int32_t, std::int32_t, float>;
  // Item 40 -> column 0, item 10 -> column 1.
  CHECK(as_tuples(moved.entries()) == std::vector<t>{{0, 0, 3.0f}, {0, 1, 5.0f}, {2, 0, 1.0f}});

  std::size_t none = 99;
  const aerec::ratings same = aerec::reindex_items(r, from, from, none);
  CHECK(none == 0);
  require_same(same, r);
}

TEST_CASE("transposed: swaps users and items in every part, consistently", "[ratings][dataset]") {
  aerec::dataset d;
  d.name = "set";
  d.split = "random:0.2";
  d.users = aerec::id_map(std::vector<std::int32_t>{10, 20, 30});
  d.items = aerec::id_map(std::vector<std::int32_t>{7, 8});
  d.train = aerec::ratings(3, 2, std::vector<aerec::rating_entry>{{0, 0, 5.0f}, {1, 1, 3.0f}, {2, 0, 2.0f}});
  d.test.target = aerec::ratings(3, 2, std::vector<aerec::rating_entry>{{0, 1, 4.0f}, {2, 1, 1.0f}});
  d.test.unknown_user = 3;
  d.test.unknown_item = 5;
  d.validation.target = aerec::ratings(3, 2, std::vector<aerec::rating_entry>{{1, 0, 2.5f}});
  d.validation.unknown_item = 1;
  d.scale = {0.5f, 5.0f};

  const aerec::dataset t = aerec::transposed(d);
  CHECK(t.name == "set");
  CHECK(t.split == "random:0.2");
  CHECK(to_vector(t.users.ids()) == std::vector<std::int32_t>{7, 8});
  CHECK(to_vector(t.items.ids()) == std::vector<std::int32_t>{10, 20, 30});
  using e = std::tuple<std::int32_t, std::int32_t, float>;
  CHECK(as_tuples(t.train.entries()) == std::vector<e>{{0, 0, 5.0f}, {0, 2, 2.0f}, {1, 1, 3.0f}});
  CHECK(as_tuples(t.test.target.entries()) == std::vector<e>{{1, 0, 4.0f}, {1, 2, 1.0f}});
  CHECK(as_tuples(t.validation.target.entries()) == std::vector<e>{{0, 1, 2.5f}});
  // Rows are movies now: a target left out for want of an input row is one
  // whose movie has no training rating.
  CHECK(t.test.unknown_user == 5);
  CHECK(t.test.unknown_item == 3);
  CHECK(t.validation.unknown_user == 1);
  CHECK(t.validation.unknown_item == 0);
  CHECK(t.test.input.rows() == 0);
  CHECK(&t.input_for(t.test) == &t.train);
  CHECK(t.scale.min == 0.5f);
  CHECK(t.scale.max == 5.0f);

  const aerec::dataset back = aerec::transposed(t);
  CHECK(to_vector(back.users.ids()) == to_vector(d.users.ids()));
  CHECK(to_vector(back.items.ids()) == to_vector(d.items.ids()));
  require_same(back.train, d.train);
  require_same(back.test.target, d.test.target);
  require_same(back.validation.target, d.validation.target);
  CHECK(back.test.unknown_user == 3);
  CHECK(back.test.unknown_item == 5);
}

TEST_CASE("transposed: refuses held-out users, whose inputs have no column", "[ratings][dataset]") {
  aerec::dataset d;
  d.users = aerec::id_map(std::vector<std::int32_t>{1, 2});
  d.items = aerec::id_map(std::vector<std::int32_t>{5});
  d.train = aerec::ratings(2, 1, std::vector<aerec::rating_entry>{{0, 0, 4.0f}});
  d.test.input = aerec::ratings(2, 1, std::vector<aerec::rating_entry>{{1, 0, 3.0f}});
  d.test.target = aerec::ratings(2, 1, std::vector<aerec::rating_entry>{});
  const auto e = error_from([&] { aerec::transposed(d); });
  REQUIRE(e);
  CHECK(code_name(*e) == "invalid_argument");
  CHECK_THAT(e->what(), Contains("held-out users") && Contains("users:F"));
}
