#include "aerec/data/split.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <numeric>

#include "aerec/core/error.h"
#include "aerec/core/rng.h"

namespace aerec {

namespace {

// Where each rating goes. Held-out users' ratings are split into an input
// part (fold-in) and a target part. The split `last` leaves users with too few
// ratings out of every part.
enum part : std::uint8_t { train_part, test_target, test_input, val_target, val_input, left_out_part };

// The split `last` holds out two ratings of each user and trains on the rest.
constexpr std::size_t last_split_min_ratings = 3;

// Of a held-out user's ratings, this share is the target, the rest the input
// (the protocol of Liang et al. 2018, Mult-VAE).
constexpr double held_out_user_target_share = 0.2;

const std::vector<std::string>& fold_names() {
  static const std::vector<std::string> names = {"u1", "u2", "u3", "u4", "u5", "ua", "ub"};
  return names;
}

[[noreturn]] void bad_split(const std::string& text, const std::string& why) {
  std::string folds;
  for (const auto& f : fold_names()) folds += f + ", ";
  throw error(error_code::invalid_argument,
              "split '" + text + "': " + why + " (use " + folds +
                  "all, last, random:F, user:F, time:F or users:F with 0 < F < 1)");
}

// The ratings of one or two files (a fold's base and test) as one table,
// remembering which file and line each rating came from.
struct source {
  rating_table table;
  std::size_t first_of_second = 0;  // ratings from here on came from `second`
  rating_table second;              // whole, for where(): line() needs its size

  std::string where(std::size_t i) const {
    if (i < first_of_second || second.path.empty())
      return table.path.string() + ":" + std::to_string(table.line(i));
    return second.path.string() + ":" + std::to_string(second.line(i - first_of_second));
  }
};

source read_fold(const data_files& files, const std::string& fold) {
  if (files.folds_dir.empty())
    throw error(error_code::invalid_argument, "split '" + fold + "' needs MovieLens-100K's fold files (" +
                                                  fold + ".base, .test); " +
                                                  files.ratings.parent_path().string() +
                                                  " has none: use random:0.1, user:F, time:F or users:F");
  source s{read_ratings(files.folds_dir / (fold + ".base"), files.format), 0, {}};
  rating_table test = read_ratings(files.folds_dir / (fold + ".test"), files.format);
  s.first_of_second = s.table.size();
  auto append = [](auto& to, const auto& from) { to.insert(to.end(), from.begin(), from.end()); };
  append(s.table.users, test.users);
  append(s.table.items, test.items);
  append(s.table.values, test.values);
  s.second = std::move(test);
  return s;
}

// Replaces external ids by their index in the sorted distinct ids, which it returns.
id_map to_indices(std::vector<std::int32_t>& ids) {
  const auto top = static_cast<std::size_t>(*std::max_element(ids.begin(), ids.end()));
  // Ids as dense as MovieLens's are numbered through a table indexed by id (at most the
  // column's size); sparse ids from other files are sorted and take the hash map.
  if (top >= ids.size() + (1u << 20)) {
    std::vector<std::int32_t> distinct = ids;
    std::sort(distinct.begin(), distinct.end());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    id_map map(distinct);
    for (std::int32_t& id : ids) id = *map.find(id);
    return map;
  }
  std::vector<std::int32_t> index(top + 1, -1);
  for (const std::int32_t id : ids) index[static_cast<std::size_t>(id)] = 0;
  std::vector<std::int32_t> distinct;
  for (std::size_t id = 0; id <= top; ++id)
    if (index[id] == 0) {
      index[id] = static_cast<std::int32_t>(distinct.size());
      distinct.push_back(static_cast<std::int32_t>(id));
    }
  for (std::int32_t& id : ids) id = index[static_cast<std::size_t>(id)];
  return id_map(std::move(distinct));
}

// Rating indices ordered by (row, column), and where each row starts.
struct row_major {
  std::vector<std::uint32_t> order;
  std::vector<std::size_t> start;  // rows + 1
};

// Counting sort by row, then each row by column. A pair rated twice is
// reported with both lines.
row_major row_major_order(const source& s, const id_map& users, const id_map& items) {
  const rating_table& t = s.table;
  const std::int32_t rows = users.size();
  std::vector<std::size_t> start(static_cast<std::size_t>(rows) + 1, 0);
  for (const std::int32_t r : t.users) ++start[static_cast<std::size_t>(r) + 1];
  std::partial_sum(start.begin(), start.end(), start.begin());
  std::vector<std::uint32_t> order(t.size());
  std::vector<std::size_t> next(start.begin(), start.end() - 1);
  for (std::size_t i = 0; i < t.size(); ++i)
    order[next[static_cast<std::size_t>(t.users[i])]++] = static_cast<std::uint32_t>(i);
  for (std::size_t r = 0; r < static_cast<std::size_t>(rows); ++r) {
    const auto first = order.begin() + static_cast<std::ptrdiff_t>(start[r]);
    const auto last = order.begin() + static_cast<std::ptrdiff_t>(start[r + 1]);
    std::sort(first, last, [&](std::uint32_t a, std::uint32_t b) {
      return std::pair(t.items[a], a) < std::pair(t.items[b], b);
    });
    const auto twin = std::adjacent_find(
        first, last, [&](std::uint32_t a, std::uint32_t b) { return t.items[a] == t.items[b]; });
    if (twin != last)
      throw error(error_code::parse_error, s.where(*(twin + 1)) + ": user " +
                                               std::to_string(users.id(t.users[*twin])) + " rated movie " +
                                               std::to_string(items.id(t.items[*twin])) + " already, at " +
                                               s.where(*twin));
  }
  return {std::move(order), std::move(start)};
}

// Marks exactly `k` of the `n` positions that `select` receives, uniformly at
// random in one pass (Knuth's selection sampling, algorithm S).
template <class Select>
void sample(std::size_t n, std::size_t k, rng& random, Select select) {
  for (std::size_t i = 0; i < n && k > 0; ++i)
    if (random.below(static_cast<std::uint32_t>(n - i)) < k) {
      select(i);
      --k;
    }
}

std::size_t share(double fraction, std::size_t n) {
  return static_cast<std::size_t>(std::llround(fraction * static_cast<double>(n)));
}

// Moves `fraction` of the ratings now in `from` to `to`.
void split_ratings(std::vector<std::uint8_t>& parts, part from, part to, double fraction, rng& random) {
  const auto n = static_cast<std::size_t>(std::count(parts.begin(), parts.end(), from));
  std::size_t seen = 0;
  std::vector<std::size_t> chosen;
  sample(n, share(fraction, n), random, [&](std::size_t k) { chosen.push_back(k); });
  auto next = chosen.begin();
  for (std::uint8_t& p : parts) {
    if (p != from) continue;
    if (next != chosen.end() && *next == seen) {
      p = to;
      ++next;
    }
    ++seen;
  }
}

// Holds out `fraction` of each user's ratings, keeping at least one in training.
void split_each_user(std::vector<std::uint8_t>& parts, const row_major& m, double fraction, rng& random) {
  const auto& order = m.order;  // not a structured binding: lambdas below capture it
  const auto& start = m.start;
  for (std::size_t r = 0; r + 1 < start.size(); ++r) {
    const std::size_t n = start[r + 1] - start[r];
    const std::size_t k = std::min(share(fraction, n), n > 0 ? n - 1 : 0);
    sample(n, k, random, [&](std::size_t i) { parts[order[start[r] + i]] = test_target; });
  }
}

// The latest `fraction` of the ratings (ties: later in the file) become the test part.
void split_by_time(std::vector<std::uint8_t>& parts, const rating_table& t, double fraction) {
  std::vector<std::uint32_t> index(t.size());
  std::iota(index.begin(), index.end(), 0u);
  const std::size_t keep = t.size() - share(fraction, t.size());
  std::nth_element(index.begin(), index.begin() + static_cast<std::ptrdiff_t>(keep), index.end(),
                   [&](std::uint32_t a, std::uint32_t b) {
                     return std::pair(t.timestamps[a], a) < std::pair(t.timestamps[b], b);
                   });
  for (std::size_t k = keep; k < index.size(); ++k) parts[index[k]] = test_target;
}

// Row `r`'s rating indices in time order, ties by item.
void time_ordered(const rating_table& t, const row_major& m, std::size_t r, std::vector<std::uint32_t>& out) {
  out.assign(m.order.begin() + static_cast<std::ptrdiff_t>(m.start[r]),
             m.order.begin() + static_cast<std::ptrdiff_t>(m.start[r + 1]));
  std::sort(out.begin(), out.end(), [&](std::uint32_t a, std::uint32_t b) {
    return std::pair(t.timestamps[a], t.items[a]) < std::pair(t.timestamps[b], t.items[b]);
  });
}

// What the split `last` learns of each user's order as it splits: the training
// items in time order, and how many users had too few ratings to take part.
struct time_orders {
  std::vector<std::vector<std::int32_t>> train;
  std::size_t short_users = 0;
};

// Each user's latest rating becomes the test target, the one before it the
// validation target, the rest (in time order) training; users with too few
// ratings for both and training are left out.
void split_last(std::vector<std::uint8_t>& parts, const rating_table& t, const row_major& m,
                time_orders& out) {
  out.train.assign(m.start.size() - 1, {});
  std::vector<std::uint32_t> by_time;
  for (std::size_t r = 0; r < out.train.size(); ++r) {
    time_ordered(t, m, r, by_time);
    if (by_time.size() < last_split_min_ratings) {
      for (const std::uint32_t i : by_time) parts[i] = left_out_part;
      out.short_users += !by_time.empty();
      continue;
    }
    parts[by_time.back()] = test_target;
    parts[by_time[by_time.size() - 2]] = val_target;
    for (std::size_t k = 0; k + 2 < by_time.size(); ++k) out.train[r].push_back(t.items[by_time[k]]);
  }
}

// What is known before each test target: the training rows and the validation ratings.
ratings training_and_validation(const dataset& d) {
  std::vector<rating_entry> known = d.train.entries();
  const std::vector<rating_entry> validation = d.validation.target.entries();
  known.insert(known.end(), validation.begin(), validation.end());
  return ratings(d.train.rows(), d.train.cols(), known);
}

void check_timestamps(const rating_table& t, const split_spec& sp) {
  if (!t.has_timestamps())
    throw error(error_code::invalid_argument,
                "split '" + split_name(sp) + "' needs timestamps, and " + t.path.string() + " has none");
}

// Makes `fraction` of the users whose ratings are all in `from` held-out
// users: each one's ratings split into `input` and `target`.
void hold_out_users(std::vector<std::uint8_t>& parts, const row_major& m, part from, part input, part target,
                    double fraction, rng& random) {
  const auto& order = m.order;  // not a structured binding: lambdas below capture it
  const auto& start = m.start;
  std::vector<std::size_t> candidates;
  for (std::size_t r = 0; r + 1 < start.size(); ++r)
    if (start[r + 1] > start[r] && parts[order[start[r]]] == from) candidates.push_back(r);
  sample(candidates.size(), share(fraction, candidates.size()), random, [&](std::size_t c) {
    const std::size_t r = candidates[c];
    const std::size_t n = start[r + 1] - start[r];
    for (std::size_t i = start[r]; i < start[r + 1]; ++i) parts[order[i]] = input;
    sample(n, std::max<std::size_t>(1, share(held_out_user_target_share, n)), random,
           [&](std::size_t i) { parts[order[start[r] + i]] = target; });
  });
}

// `orders` is filled by the split `last` alone.
std::vector<std::uint8_t> assign_parts(const source& s, const row_major& m, const load_options& o,
                                       time_orders& orders) {
  const rating_table& t = s.table;
  std::vector<std::uint8_t> parts(t.size(), train_part);
  rng random(o.seed ^ 0x5B117ull);
  const split_spec& sp = o.split;
  switch (sp.kind) {
    case split_kind::fold:
      std::fill(parts.begin() + static_cast<std::ptrdiff_t>(s.first_of_second), parts.end(), test_target);
      break;
    case split_kind::all:
      break;
    case split_kind::random:
      split_ratings(parts, train_part, test_target, sp.fraction, random);
      break;
    case split_kind::per_user:
      split_each_user(parts, m, sp.fraction, random);
      break;
    case split_kind::time:
      check_timestamps(t, sp);
      split_by_time(parts, t, sp.fraction);
      break;
    case split_kind::last:
      check_timestamps(t, sp);
      split_last(parts, t, m, orders);
      break;
    case split_kind::users:
      hold_out_users(parts, m, train_part, test_input, test_target, sp.fraction, random);
      break;
  }
  if (o.validation > 0) {
    if (sp.kind == split_kind::users)
      hold_out_users(parts, m, train_part, val_input, val_target, o.validation, random);
    else
      split_ratings(parts, train_part, val_target, o.validation, random);
  }
  return parts;
}

// The ratings in row-major order (each row's columns ascending), with their parts.
struct row_major_ratings {
  std::vector<std::size_t> start;  // rows + 1
  std::vector<std::int32_t> cols;
  std::vector<float> values;
  std::vector<std::uint8_t> parts;
};

// Moves the table's items and values, and the parts, into row-major order in
// place by following the order's cycles: copies would add 9 bytes a rating
// to the peak (ML-25M's size: 215 MiB).
row_major_ratings in_row_major(rating_table& t, row_major m, std::vector<std::uint8_t> parts) {
  std::vector<std::uint32_t>& order = m.order;
  for (std::uint32_t k = 0; k < order.size(); ++k) {
    if (order[k] == k) continue;
    const std::int32_t item = t.items[k];
    const float value = t.values[k];
    const std::uint8_t p = parts[k];
    std::uint32_t j = k;
    for (std::uint32_t from = order[j]; from != k; from = order[j]) {
      t.items[j] = t.items[from];
      t.values[j] = t.values[from];
      parts[j] = parts[from];
      order[j] = j;
      j = from;
    }
    t.items[j] = item;
    t.values[j] = value;
    parts[j] = p;
    order[j] = j;
  }
  return {std::move(m.start), std::move(t.items), std::move(t.values), std::move(parts)};
}

// Builds one part's CSR arrays, row by row.
class part_builder {
 public:
  part_builder(std::int32_t rows, std::int32_t cols) : rows_(rows), cols_(cols) {
    offsets_.assign(static_cast<std::size_t>(rows) + 1, 0);
  }
  void reserve(std::size_t ratings) {
    cols_index_.reserve(ratings);
    values_.reserve(ratings);
  }
  void add(std::size_t row, std::int32_t col, float value) {
    ++offsets_[row + 1];
    cols_index_.push_back(col);
    values_.push_back(value);
  }
  ratings finish() {
    std::partial_sum(offsets_.begin(), offsets_.end(), offsets_.begin());
    return ratings(rows_, cols_, std::move(offsets_), std::move(cols_index_), std::move(values_));
  }

 private:
  std::int32_t rows_, cols_;
  std::vector<std::int64_t> offsets_;
  std::vector<std::int32_t> cols_index_;
  std::vector<float> values_;
};

// What a target rating needs to be predictable: an input row and a trained column.
struct predictable {
  std::vector<std::uint8_t> item_trained;  // per column
  std::vector<std::uint8_t> has_input;     // per row, a bit per input part
  bool held_out_users = false;
  std::vector<std::size_t> sizes = std::vector<std::size_t>(left_out_part, 0);  // per part
};

// f(row, k) for each rating k, row by row.
template <class F>
void for_each_rating(const row_major_ratings& r, F f) {
  for (std::size_t row = 0; row + 1 < r.start.size(); ++row)
    for (std::size_t k = r.start[row]; k < r.start[row + 1]; ++k) f(row, k);
}

predictable survey(const row_major_ratings& r, std::int32_t cols) {
  predictable out;
  out.item_trained.assign(static_cast<std::size_t>(cols), 0);
  out.has_input.assign(r.start.size() - 1, 0);
  for_each_rating(r, [&](std::size_t row, std::size_t k) {
    const auto p = static_cast<part>(r.parts[k]);
    if (p != left_out_part) ++out.sizes[p];
    if (p == train_part) out.item_trained[static_cast<std::size_t>(r.cols[k])] = 1;
    if (p == train_part || p == test_input || p == val_input)
      out.has_input[row] |= static_cast<std::uint8_t>(1u << p);
    out.held_out_users |= p == test_input || p == val_input;
  });
  return out;
}

// The training part is the ratings' arrays compacted in place (most of the
// ratings: a copy would double the peak); the other parts are copied out.
void build_parts(dataset& d, row_major_ratings& r) {
  const std::int32_t rows = d.users.size(), cols = d.items.size();
  const predictable known = survey(r, cols);
  // Builders for the copied parts, test_target on (the training part has none).
  std::vector<part_builder> built;
  for (std::size_t p = test_target; p < left_out_part; ++p) {
    built.emplace_back(rows, cols);
    built.back().reserve(known.sizes[p]);
  }
  const auto builder = [&](part p) -> part_builder& { return built[p - test_target]; };
  std::vector<std::int64_t> train_offsets(static_cast<std::size_t>(rows) + 1, 0);
  std::size_t trained = 0;
  for_each_rating(r, [&](std::size_t row, std::size_t k) {
    const auto p = static_cast<part>(r.parts[k]);
    const std::int32_t col = r.cols[k];
    if (p == train_part) {
      r.cols[trained] = col;
      r.values[trained++] = r.values[k];
      ++train_offsets[row + 1];
      return;
    }
    if (p == left_out_part) return;
    if (p == test_target || p == val_target) {
      holdout& h = p == test_target ? d.test : d.validation;
      const part input = !known.held_out_users ? train_part : p == test_target ? test_input : val_input;
      if (!(known.has_input[row] & (1u << input))) {
        ++h.unknown_user;
        return;
      }
      if (!known.item_trained[static_cast<std::size_t>(col)]) {
        ++h.unknown_item;
        return;
      }
    }
    builder(p).add(row, col, r.values[k]);
  });
  r.cols.resize(trained);
  r.values.resize(trained);
  std::partial_sum(train_offsets.begin(), train_offsets.end(), train_offsets.begin());
  d.train = ratings(rows, cols, std::move(train_offsets), std::move(r.cols), std::move(r.values));
  d.test.target = builder(test_target).finish();
  d.validation.target = builder(val_target).finish();
  if (known.held_out_users) {
    d.test.input = builder(test_input).finish();
    d.validation.input = builder(val_input).finish();
  }
}

void check_fraction(const std::string& text, double fraction) {
  if (!(fraction > 0 && fraction < 1)) bad_split(text, "the fraction must lie between 0 and 1");
}

}  // namespace

split_spec parse_split(const std::string& text) {
  if (text == "all") return {split_kind::all, {}, 0};
  if (text == "last") return {split_kind::last, {}, 0};
  if (std::find(fold_names().begin(), fold_names().end(), text) != fold_names().end())
    return {split_kind::fold, text, 0};
  static const std::vector<std::pair<std::string, split_kind>> kinds = {{"random", split_kind::random},
                                                                        {"user", split_kind::per_user},
                                                                        {"time", split_kind::time},
                                                                        {"users", split_kind::users}};
  const std::size_t colon = text.find(':');
  if (colon == std::string::npos) bad_split(text, "unknown split");
  const auto kind = std::find_if(kinds.begin(), kinds.end(),
                                 [&](const auto& k) { return k.first == text.substr(0, colon); });
  if (kind == kinds.end()) bad_split(text, "unknown split kind '" + text.substr(0, colon) + "'");
  const std::string number = text.substr(colon + 1);
  std::size_t used = 0;
  double fraction = 0;
  try {
    fraction = std::stod(number, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (number.empty() || used != number.size()) bad_split(text, "'" + number + "' is not a number");
  check_fraction(text, fraction);
  return {kind->second, {}, fraction};
}

std::string split_name(const split_spec& s) {
  switch (s.kind) {
    case split_kind::fold:
      return s.fold;
    case split_kind::all:
      return "all";
    case split_kind::last:
      return "last";
    default:
      break;
  }
  const char* kind = s.kind == split_kind::random     ? "random"
                     : s.kind == split_kind::per_user ? "user"
                     : s.kind == split_kind::time     ? "time"
                                                      : "users";
  // The shortest text that parses back to the same fraction ("0.1", "1e-07");
  // not std::to_chars, which Emscripten's libc++ lacks for double.
  char number[32];
  for (int digits = 1; digits <= 17; ++digits) {
    std::snprintf(number, sizeof number, "%.*g", digits, s.fraction);
    if (std::strtod(number, nullptr) == s.fraction) break;
  }
  return std::string(kind) + ":" + number;
}

dataset load_dataset(const data_files& files, const load_options& options) {
  if (options.validation != 0 && !(options.validation > 0 && options.validation < 1))
    throw error(error_code::invalid_argument, "the validation fraction (--val) must lie between 0 and 1");
  const bool last = options.split.kind == split_kind::last;
  if (last && options.validation > 0)
    throw error(error_code::invalid_argument,
                "split 'last' takes no validation fraction (--val): it holds out each user's "
                "second-to-last rating for validation already");
  data_files only_needed = files;
  only_needed.format.keep_timestamps = options.split.kind == split_kind::time || last;
  source s = options.split.kind == split_kind::fold
                 ? read_fold(only_needed, options.split.fold)
                 : source{read_ratings(files.ratings, only_needed.format), 0, {}};
  rating_table& t = s.table;
  dataset d;
  d.name = files.name;
  d.split = split_name(options.split);
  const auto [lo, hi] = std::minmax_element(t.values.begin(), t.values.end());
  // One rating value throughout (implicit feedback) leaves no range: take the format's.
  d.scale = *lo < *hi ? rating_scale{*lo, *hi} : files.format.valid;
  d.users = to_indices(t.users);
  d.items = to_indices(t.items);
  row_major m = row_major_order(s, d.users, d.items);
  std::vector<std::int32_t>().swap(t.users);  // the order says each rating's row from here on
  time_orders orders;
  std::vector<std::uint8_t> parts = assign_parts(s, m, options, orders);
  std::vector<std::int64_t>().swap(t.timestamps);
  row_major_ratings in_order = in_row_major(t, std::move(m), std::move(parts));
  build_parts(d, in_order);
  if (last) {
    d.train_order = std::move(orders.train);
    d.short_users = orders.short_users;
    d.test.input = training_and_validation(d);
  }
  return d;
}

}  // namespace aerec
