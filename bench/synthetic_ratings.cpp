// A synthetic rating set with MovieLens-25M's shape, for measuring aerec at that scale
// without the real set: DIR/ratings.csv ("userId,movieId,rating,timestamp", users in id
// order, each user's ratings by movie id, as ML-25M's file is) and DIR/movies.csv
// ("movieId,title,genres"), the folder the CLI reads as it reads ml-latest.
//
// usage: aerec_bench_synthetic_ratings --out DIR [--ratings N] [--users U] [--movies M]
//                                      [--seed S]
// By default ML-25M's 25,000,095 ratings of 162,541 users on 59,047 movies; --ratings N
// scales the users and movies with it (ML-25M's 154 ratings a user and 423 a movie), and
// --users/--movies override them. The same arguments write the same bytes. Memory is
// O(users + movies), never O(ratings): the ratings stream out a user at a time. A summary of
// what was written (the shape's figures beside ML-25M's) goes to stderr.
#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <numeric>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "aerec/core/rng.h"

namespace {

namespace fs = std::filesystem;

// ML-25M (its README and ratings.csv).
constexpr std::int64_t ml25m_ratings = 25'000'095;
constexpr std::int64_t ml25m_users = 162'541;
constexpr std::int64_t ml25m_movies = 59'047;
// Its ratings per star, 0.5 to 5.0: mean 3.53, mode 4.0. Drawn with these frequencies.
constexpr std::array<std::int64_t, 10> ml25m_stars = {393'068,   776'815,   399'490,   1'640'868, 1'262'797,
                                                      4'896'928, 3'177'318, 6'639'798, 2'200'539, 3'612'474};
// Every user has at least 20 ratings (GroupLens' selection), and at most half the movies (the
// most active ML-25M user rated 32,202 of 59,047), which keeps drawing distinct movies cheap.
constexpr std::int64_t min_user_ratings = 20;
// Its timestamps run from 1995-01-09 to 2019-11-21.
constexpr std::int64_t first_time = 789'652'009, last_time = 1'574'327'703;

// Ratings per user: 20 + a lognormal, exp(N(mu, sigma^2)), with ML-25M's median (71, so
// 51 over the minimum: mu = ln 51) and mean (153.8, so 133.8 over it: sigma^2 / 2 =
// ln(133.8 / 51)). The draws are then scaled to sum to the ratings asked for: the most
// active of 162,541 users gets 29,522 (ML-25M's: 32,202).
constexpr double activity_mu = 3.9318, activity_sigma = 1.3889;

// Popularity: the movie of rank r (from 0) is drawn with weight (r + 1 + q)^-s, a
// Zipf-Mandelbrot law, q a share of the movies so that the shape scales with them. Each user
// draws distinct movies by weight (successive sampling), so the most popular saturate as in
// the real set, where half the users rated the top movies (Forrest Gump 81,491, Shawshank
// 81,482, Pulp Fiction 79,672). s and q fitted at the full size: the top movie gets about
// 83,000 ratings, the 100th 48,000, the 1,000th 4,500, half the movies 7 or fewer and 5% one;
// the top ten are flatter than ML-25M's (78,000 for the 10th, where ML-25M's has 58,773), as
// every heavy user takes them all. Besides, one random rating slot a movie is that movie's,
// so every movie is rated, as each of ML-25M's 59,047 is.
constexpr double popularity_exponent = 2.3, popularity_offset_share = 0.003;

// Movie ids: sorted gaps of 1 to 6 (mean 3.5), as ML-25M's 59,047 rated movies have ids
// up to 209,171 (3.54 a movie).
constexpr std::uint32_t id_gap_choices = 6;

// A rating's stars: a latent score, user bias + movie bias + a rank-8 taste (p_u . q_m) +
// noise, cut at ML-25M's star frequencies, so the histogram is the real one and the
// ratings carry structure a model can learn. Variances (sum 1): user 0.2, movie 0.25,
// taste 0.3, noise 0.25.
constexpr int taste_dims = 8;
constexpr double user_bias_sd = 0.447, movie_bias_sd = 0.5, noise_sd = 0.5;
// 8 a^4 = 0.3: the variance of a sum of 8 products of N(0, a^2) draws.
const double taste_sd = std::pow(0.3 / taste_dims, 0.25);

// Users pick a start date and rate over a lognormal span (median a day, many in one
// sitting, some over years), clipped to the set's range.
constexpr double span_log_median = 11.37, span_log_sd = 2.5;  // ln(86,400 s)

struct options {
  fs::path out;
  std::int64_t ratings = ml25m_ratings, users = 0, movies = 0;
  std::uint64_t seed = 1;
};

[[noreturn]] void usage(const std::string& why) {
  throw std::invalid_argument(why +
                              "\nusage: aerec_bench_synthetic_ratings --out DIR [--ratings N] [--users U] "
                              "[--movies M] [--seed S]");
}

std::int64_t parse_count(const std::string& flag, const char* text) {
  std::int64_t value = 0;
  const char* end = text + std::char_traits<char>::length(text);
  const auto [at, ec] = std::from_chars(text, end, value);
  if (ec != std::errc() || at != end || value < 1)
    usage(flag + " needs a positive integer, not '" + text + "'");
  return value;
}

options parse(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; i += 2) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) usage(flag + " needs a value");
    const char* value = argv[i + 1];
    if (flag == "--out")
      o.out = value;
    else if (flag == "--ratings")
      o.ratings = parse_count(flag, value);
    else if (flag == "--users")
      o.users = parse_count(flag, value);
    else if (flag == "--movies")
      o.movies = parse_count(flag, value);
    else if (flag == "--seed")
      o.seed = static_cast<std::uint64_t>(parse_count(flag, value));
    else
      usage("unknown option " + flag);
  }
  if (o.out.empty()) usage("--out DIR is required");
  const auto scaled = [&](std::int64_t full) {
    return std::max<std::int64_t>(1, std::llround(static_cast<double>(full) * static_cast<double>(o.ratings) /
                                                  static_cast<double>(ml25m_ratings)));
  };
  if (o.users == 0) o.users = scaled(ml25m_users);
  if (o.movies == 0) o.movies = scaled(ml25m_movies);
  const std::int64_t cap = o.movies / 2;
  if (cap < min_user_ratings + 1)
    usage("--movies " + std::to_string(o.movies) + ": each user rates 20 to half the movies, so at least " +
          std::to_string(2 * (min_user_ratings + 1)) + " movies");
  if (o.ratings < o.users * min_user_ratings || o.ratings > o.users * (cap - 1))
    usage(std::to_string(o.ratings) + " ratings do not fit " + std::to_string(o.users) +
          " users rating 20 to half of " + std::to_string(o.movies) + " movies each");
  if (o.movies > o.ratings) usage("more movies than ratings: every movie needs a rating");
  return o;
}

// Vose's alias table: one uniform draw picks an index with probability proportional to its weight.
class alias_table {
 public:
  explicit alias_table(std::span<const double> weights) : threshold_(weights.size()), alias_(weights.size()) {
    const std::size_t n = weights.size();
    const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
    std::vector<double> scaled(n);
    std::vector<std::uint32_t> small, large;
    for (std::size_t i = 0; i < n; ++i) {
      scaled[i] = weights[i] * static_cast<double>(n) / total;
      (scaled[i] < 1 ? small : large).push_back(static_cast<std::uint32_t>(i));
    }
    while (!small.empty() && !large.empty()) {
      const std::uint32_t s = small.back(), l = large.back();
      small.pop_back();
      threshold_[s] = scaled[s];
      alias_[s] = l;
      scaled[l] -= 1 - scaled[s];
      if (scaled[l] < 1) {
        large.pop_back();
        small.push_back(l);
      }
    }
    for (const std::uint32_t i : small) threshold_[i] = 1, alias_[i] = i;  // rounding leftovers
    for (const std::uint32_t i : large) threshold_[i] = 1, alias_[i] = i;
  }

  std::uint32_t draw(aerec::rng& random) const {
    const std::uint64_t bits = random.next();
    // The high 32 bits pick the column (Lemire's multiply), the low 32 the coin.
    const auto column = static_cast<std::uint32_t>(((bits >> 32) * threshold_.size()) >> 32);
    const double coin = static_cast<double>(bits & 0xFFFFFFFFu) * 0x1.0p-32;
    return coin < threshold_[column] ? column : alias_[column];
  }

 private:
  std::vector<double> threshold_;
  std::vector<std::uint32_t> alias_;
};

// The standard normal's quantile, by bisection on its CDF (nine values, once).
double normal_quantile(double p) {
  double lo = -10, hi = 10;
  for (int i = 0; i < 100; ++i) {
    const double mid = (lo + hi) / 2;
    (0.5 * std::erfc(-mid / std::sqrt(2.0)) < p ? lo : hi) = mid;
  }
  return (lo + hi) / 2;
}

// Ratings per user: 20 + lognormal draws, scaled to sum to o.ratings and capped at half the
// movies, then rounded with the remainder carried, so the total is exact.
std::vector<std::int32_t> user_activity(const options& o, aerec::rng& random) {
  const auto users = static_cast<std::size_t>(o.users);
  std::vector<double> extra(users);
  for (double& e : extra) e = std::exp(activity_mu + activity_sigma * static_cast<double>(random.normal()));
  const double target = static_cast<double>(o.ratings - o.users * min_user_ratings);
  const double room = static_cast<double>(o.movies / 2 - 1 - min_user_ratings);
  // The scale at which the capped draws sum to the target: bisection on a monotone sum.
  const auto sum_at = [&](double scale) {
    double s = 0;
    for (const double e : extra) s += std::min(room, e * scale);
    return s;
  };
  double lo = 0, hi = 1;
  while (sum_at(hi) < target) hi *= 2;
  for (int i = 0; i < 200 && hi - lo > 1e-15 * hi; ++i)
    ((sum_at((lo + hi) / 2) < target) ? lo : hi) = (lo + hi) / 2;
  std::vector<std::int32_t> count(users);
  double carried = 0;
  std::int64_t rounded = 0, total = 0;
  for (std::size_t u = 0; u < users; ++u) {
    carried += std::min(room, extra[u] * hi);
    const std::int64_t upto = std::llround(carried);
    count[u] = static_cast<std::int32_t>(min_user_ratings + upto - rounded);
    rounded = upto;
    total += count[u];
  }
  // Float rounding may leave the total a few off: settle it on users with room.
  const std::int64_t cap = o.movies / 2;
  for (std::size_t u = 0; total != o.ratings; u = (u + 1) % users) {
    const int step = total < o.ratings ? 1 : -1;
    if (count[u] + step >= min_user_ratings && count[u] + step <= cap) count[u] += step, total += step;
  }
  return count;
}

// One movie: its id, its latent score's bias and taste, and its popularity rank's weight.
struct movie_set {
  std::vector<std::int32_t> ids;
  std::vector<float> bias;
  std::vector<float> taste;  // taste_dims a movie
  std::vector<double> weight;
};

movie_set make_movies(const options& o, aerec::rng& random) {
  const auto movies = static_cast<std::size_t>(o.movies);
  movie_set m;
  m.ids.resize(movies);
  std::int32_t id = 0;
  for (std::int32_t& i : m.ids) i = id += 1 + static_cast<std::int32_t>(random.below(id_gap_choices));
  m.bias.resize(movies);
  for (float& b : m.bias) b = static_cast<float>(movie_bias_sd) * random.normal();
  m.taste.resize(movies * taste_dims);
  for (float& t : m.taste) t = static_cast<float>(taste_sd) * random.normal();
  // Ranks in random order of ids: popularity owes nothing to when a movie was added.
  std::vector<std::uint32_t> rank(movies);
  std::iota(rank.begin(), rank.end(), 0u);
  random.shuffle(std::span(rank));
  const double offset = popularity_offset_share * static_cast<double>(movies);
  m.weight.resize(movies);
  for (std::size_t i = 0; i < movies; ++i) m.weight[i] = std::pow(rank[i] + 1 + offset, -popularity_exponent);
  return m;
}

// ML-25M's genres; a movie gets one to three of them, in alphabetical order as there.
constexpr std::array<const char*, 19> genres = {"Action", "Adventure",   "Animation", "Children", "Comedy",
                                                "Crime",  "Documentary", "Drama",     "Fantasy",  "Film-Noir",
                                                "Horror", "IMAX",        "Musical",   "Mystery",  "Romance",
                                                "Sci-Fi", "Thriller",    "War",       "Western"};

// A file written whole under a temporary name, then renamed: never half there.
class output_file {
 public:
  explicit output_file(fs::path path) : path_(std::move(path)), temporary_(path_.string() + ".tmp") {
    file_ = std::fopen(temporary_.c_str(), "wb");
    if (!file_) throw std::runtime_error(temporary_.string() + ": cannot write");
    buffer_.reserve(capacity);
  }
  output_file(const output_file&) = delete;
  output_file& operator=(const output_file&) = delete;
  ~output_file() {
    if (file_) std::fclose(file_), fs::remove(temporary_);
  }

  void text(std::string_view s) { buffer_.append(s), spill(); }
  void number(std::int64_t n) {
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, n).ptr;
    buffer_.append(digits, end);
  }
  void character(char c) { buffer_.push_back(c), spill(); }

  void close() {
    flush();
    const bool failed = std::fclose(file_) != 0;
    file_ = nullptr;
    if (failed) throw std::runtime_error(temporary_.string() + ": cannot write");
    fs::rename(temporary_, path_);
  }

 private:
  static constexpr std::size_t capacity = std::size_t{1} << 22;
  void spill() {
    if (buffer_.size() > capacity - 256) flush();
  }
  void flush() {
    if (std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size())
      throw std::runtime_error(temporary_.string() + ": cannot write (disk full?)");
    buffer_.clear();
  }
  fs::path path_, temporary_;
  std::FILE* file_ = nullptr;
  std::string buffer_;
};

void write_movies(const options& o, const movie_set& m, aerec::rng& random) {
  output_file out(o.out / "movies.csv");
  out.text("movieId,title,genres\n");
  const std::size_t movies = m.ids.size();
  for (std::size_t i = 0; i < movies; ++i) {
    // Later ids, later films, as in MovieLens: 1915 to 2019, give or take a few years.
    const auto year = std::clamp<std::int64_t>(
        1915 + static_cast<std::int64_t>(104 * i / movies) + random.below(7) - 3, 1900, 2019);
    out.number(m.ids[i]);
    out.text(",Synthetic Movie ");
    out.number(m.ids[i]);
    out.text(" (");
    out.number(year);
    out.text("),");
    std::array<bool, genres.size()> has{};
    for (std::uint32_t g = 0, count = 1 + random.below(3); g < count; ++g)
      has[random.below(genres.size())] = true;
    bool first = true;
    for (std::size_t g = 0; g < genres.size(); ++g)
      if (has[g]) out.text(first ? "" : "|"), out.text(genres[g]), first = false;
    out.character('\n');
  }
  out.close();
}

// What was written, beside ML-25M's figures.
struct summary {
  std::vector<std::int32_t> per_movie;
  std::array<std::int64_t, ml25m_stars.size()> per_star{};
  std::int32_t max_id = 0;

  void print(const options& o, std::span<const std::int32_t> activity, double seconds) {
    std::vector<std::int32_t> movies(per_movie), users(activity.begin(), activity.end());
    std::sort(movies.begin(), movies.end());
    std::sort(users.begin(), users.end());
    const auto at = [](const std::vector<std::int32_t>& v, double q) {
      return v[std::min(v.size() - 1, static_cast<std::size_t>(q * static_cast<double>(v.size())))];
    };
    double stars = 0;
    std::size_t mode = 0;
    for (std::size_t s = 0; s < per_star.size(); ++s) {
      stars += 0.5 * static_cast<double>(s + 1) * static_cast<double>(per_star[s]);
      if (per_star[s] > per_star[mode]) mode = s;
    }
    const auto under = [&](std::int32_t n) {
      return std::lower_bound(movies.begin(), movies.end(), n) - movies.begin();
    };
    std::fprintf(stderr,
                 "%s: %lld ratings, %lld users, %lld movies (ids up to %d) in %.1f s\n"
                 "  stars: mean %.3f, mode %.1f (ML-25M: 3.534, 4.0)\n"
                 "  ratings per user: min %d, median %d, mean %.1f, max %d (ML-25M: 20, 71, 153.8, 32,202)\n"
                 "  ratings per movie: max %d, 10th %d, 100th %d, 1000th %d, median %d; movies with 1: %td, "
                 "under 6: %td, under 10: %td\n",
                 o.out.c_str(), static_cast<long long>(o.ratings), static_cast<long long>(o.users),
                 static_cast<long long>(o.movies), max_id, seconds, stars / static_cast<double>(o.ratings),
                 0.5 * static_cast<double>(mode + 1), users.front(), at(users, 0.5),
                 static_cast<double>(o.ratings) / static_cast<double>(o.users), users.back(), movies.back(),
                 movies[movies.size() - std::min<std::size_t>(movies.size(), 10)],
                 movies[movies.size() - std::min<std::size_t>(movies.size(), 100)],
                 movies[movies.size() - std::min<std::size_t>(movies.size(), 1000)], at(movies, 0.5),
                 under(2), under(6), under(10));
  }
};

void write_ratings(const options& o, const movie_set& m, std::span<const std::int32_t> activity,
                   aerec::rng& random, summary& sum) {
  const auto movies = static_cast<std::uint32_t>(o.movies);
  const alias_table popularity(m.weight);
  // Cuts of the latent score (variance 1) at ML-25M's cumulative star frequencies.
  std::array<double, ml25m_stars.size() - 1> cuts{};
  const double all =
      static_cast<double>(std::accumulate(ml25m_stars.begin(), ml25m_stars.end(), std::int64_t{0}));
  double below = 0;
  for (std::size_t s = 0; s < cuts.size(); ++s)
    cuts[s] = normal_quantile((below += static_cast<double>(ml25m_stars[s])) / all);
  // One rating slot a movie, its movie in random order, so that every movie is rated: slots are
  // picked by selection sampling (Knuth's algorithm S) as the users' ratings go by.
  std::vector<std::uint32_t> forced(movies);
  std::iota(forced.begin(), forced.end(), 0u);
  random.shuffle(std::span(forced));
  std::size_t next_forced = 0;
  std::int64_t slots_left = o.ratings;

  std::vector<std::int64_t> seen(movies, -1);  // the user that last took each movie
  std::vector<std::uint32_t> chosen;
  std::vector<std::pair<double, std::uint32_t>> keys;
  sum.per_movie.assign(movies, 0);
  sum.max_id = m.ids.back();

  output_file out(o.out / "ratings.csv");
  out.text("userId,movieId,rating,timestamp\n");
  for (std::size_t u = 0; u < activity.size(); ++u) {
    const auto k = static_cast<std::uint32_t>(activity[u]);
    chosen.clear();
    for (std::uint32_t slot = 0; slot < k; ++slot, --slots_left)
      if (static_cast<double>(slots_left) * static_cast<double>(random.uniform()) <
          static_cast<double>(movies - next_forced)) {
        chosen.push_back(forced[next_forced++]);
        seen[chosen.back()] = static_cast<std::int64_t>(u);
      }
    if (k <= movies / 8) {
      // Few: draw by weight, redrawing movies already taken.
      while (chosen.size() < k) {
        const std::uint32_t movie = popularity.draw(random);
        if (seen[movie] == static_cast<std::int64_t>(u)) continue;
        seen[movie] = static_cast<std::int64_t>(u);
        chosen.push_back(movie);
      }
    } else {
      // Many: Efraimidis and Spirakis' keys, u^(1/w), the k largest (the same law, O(movies)).
      keys.clear();
      for (std::uint32_t movie = 0; movie < movies; ++movie)
        if (seen[movie] != static_cast<std::int64_t>(u))
          keys.emplace_back(std::log(1.0 - static_cast<double>(random.uniform())) / m.weight[movie], movie);
      const std::size_t more = k - chosen.size();
      std::nth_element(keys.begin(), keys.begin() + static_cast<std::ptrdiff_t>(more), keys.end(),
                       [](const auto& a, const auto& b) { return a.first > b.first; });
      for (std::size_t i = 0; i < more; ++i) chosen.push_back(keys[i].second);
    }
    std::sort(chosen.begin(), chosen.end());  // ids grow with the index: the file's order

    std::array<float, taste_dims> taste{};
    for (float& t : taste) t = static_cast<float>(taste_sd) * random.normal();
    const double bias = user_bias_sd * static_cast<double>(random.normal());
    const std::int64_t start =
        first_time +
        static_cast<std::int64_t>(static_cast<double>(last_time - first_time) * random.uniform());
    const double span =
        std::min(static_cast<double>(last_time - start),
                 std::exp(span_log_median + span_log_sd * static_cast<double>(random.normal())));
    for (const std::uint32_t movie : chosen) {
      const float* q = &m.taste[static_cast<std::size_t>(movie) * taste_dims];
      double score = bias + m.bias[movie] + noise_sd * static_cast<double>(random.normal());
      for (int d = 0; d < taste_dims; ++d)
        score += static_cast<double>(taste[static_cast<std::size_t>(d)] * q[d]);
      const auto star =
          static_cast<std::size_t>(std::upper_bound(cuts.begin(), cuts.end(), score) - cuts.begin());
      ++sum.per_star[star];
      ++sum.per_movie[movie];
      out.number(static_cast<std::int64_t>(u) + 1);
      out.character(',');
      out.number(m.ids[movie]);
      out.character(',');
      out.number(static_cast<std::int64_t>(star + 1) / 2);
      out.text(star % 2 == 0 ? ".5," : ".0,");
      out.number(start + static_cast<std::int64_t>(span * static_cast<double>(random.uniform())));
      out.character('\n');
    }
  }
  out.close();
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const options o = parse(argc, argv);
    const auto begin = std::chrono::steady_clock::now();
    fs::create_directories(o.out);
    // Separate streams for the movies, the users' activity and the ratings: changing one
    // part's draws leaves the others as they were.
    aerec::rng movie_random(o.seed * 3 + 1), activity_random(o.seed * 3 + 2), rating_random(o.seed * 3 + 3);
    const movie_set movies = make_movies(o, movie_random);
    const std::vector<std::int32_t> activity = user_activity(o, activity_random);
    summary sum;
    write_ratings(o, movies, activity, rating_random, sum);
    write_movies(o, movies, movie_random);
    sum.print(o, activity, std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "aerec_bench_synthetic_ratings: %s\n", e.what());
    return 2;
  }
  return 0;
}
