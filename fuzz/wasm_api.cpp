// libFuzzer target: what the wasm module's calls (wasm/bindings.cpp) pass
// from JavaScript to the library, which checks it: users' dense rows and
// their ratings (model::dense_to_batch through the recommender), movie ids
// (id_map::index_of), k, a pair's star weight, image pixels
// (model::reconstruct), a sequence model's history (model::next_items), noise
// settings (add_noise) and a user placed on a taste map (place_user). Rows
// come as the bindings' own checks let them through (a user's row as wide as
// the model, a batch of whole rows, k >= 0: the library asserts these);
// everything else as JavaScript may send it.
#include <fuzzer/FuzzedDataProvider.h>

#include <bit>
#include <limits>

#include "aerec/backend/cpu_backend.h"
#include "aerec/data/image_noise.h"
#include "aerec/map/place_user.h"
#include "aerec/nn/image_layers.h"
#include "aerec/nn/sequence_layers.h"
#include "aerec/serve/item_space.h"
#include "aerec/serve/recommender.h"
#include "fuzz_target.h"

namespace aerec::fuzz {
namespace {

const std::vector<std::int32_t> movie_ids = {10, 20, 30, 40, 50, 60};

model initialised(backend& b, std::vector<layer_spec> layers, id_map ids, model_meaning meaning,
                  std::uint64_t seed) {
  auto net = std::make_unique<autoencoder>(b, std::move(layers));
  rng random(seed);
  net->initialize(init_scheme::pytorch, random);
  return model(std::move(net), std::move(ids), {1, 5}, meaning);
}

// The models a page loads: a rating and a ranking model of the same movies,
// an image model and a sequence model, and a taste map's placer.
struct page {
  std::unique_ptr<backend> b = make_cpu_backend(1);
  const std::vector<int> hidden = {4};
  model rating = initialised(*b, stacked_layers(6, hidden, activation::sigmoid, activation::identity),
                             id_map(movie_ids), {}, 3);
  model ranking = initialised(*b, stacked_layers(6, hidden, activation::tanh, activation::identity),
                              id_map(movie_ids), {row_kind::users, output_kind::ranking}, 4);
  model image = initialised(
      *b, dense_image_layers(shape::image(1, 3, 3), hidden, activation::relu, activation::sigmoid),
      pixel_ids(9), image_meaning(), 5);
  model sequence = initialised(
      *b, seq2seq_layers(6, {.length = 3, .steps = 2, .embedding = 4, .hidden = 5, .with_rating = true}),
      id_map(movie_ids), sequence_meaning(), 6);
  const std::vector<int> placer_hidden = {3};
  parametric_map placer{*b, ranking.network().code_size(), placer_hidden};
};

page& loaded() {
  static page p;
  return p;
}

// A number as JavaScript may send it: unrated (0), a rating, a pixel, or any float.
float number(FuzzedDataProvider& in) {
  switch (in.ConsumeIntegralInRange(0, 3)) {
    case 0:
      return 0;
    case 1:
      return 0.5f * static_cast<float>(in.ConsumeIntegralInRange(0, 12));
    case 2:
      return static_cast<float>(in.ConsumeIntegral<std::uint8_t>()) / 255;
    default:
      return std::bit_cast<float>(in.ConsumeIntegral<std::uint32_t>());
  }
}

std::vector<float> numbers(FuzzedDataProvider& in, std::size_t count) {
  std::vector<float> out(count);
  for (float& v : out) v = number(in);
  return out;
}

// A batch of whole rows of `width` (predictBatch checks its length).
std::vector<float> rows(FuzzedDataProvider& in, std::size_t width) {
  return numbers(in, width * in.ConsumeIntegralInRange<std::size_t>(0, 3));
}

// Pixels and the like, of any length: the library checks it.
std::vector<float> any_numbers(FuzzedDataProvider& in, std::size_t most) {
  return numbers(in, in.ConsumeIntegralInRange<std::size_t>(0, most));
}

// A movie id the models know, or any.
std::int32_t movie_id(FuzzedDataProvider& in) {
  if (in.ConsumeBool()) return movie_ids[in.ConsumeIntegralInRange<std::size_t>(0, movie_ids.size() - 1)];
  return in.ConsumeIntegral<std::int32_t>();
}

// k as the bindings pass it: an int >= 0.
std::size_t k_of(FuzzedDataProvider& in) {
  return in.ConsumeBool() ? in.ConsumeIntegralInRange<std::size_t>(0, 8)
                          : in.ConsumeIntegralInRange<std::size_t>(0, std::numeric_limits<int>::max());
}

void call(FuzzedDataProvider& in) {
  page& p = loaded();
  const std::size_t n = movie_ids.size();
  // A page's one model or pair, as loadModels makes it.
  const int models = in.ConsumeIntegralInRange(0, 2);
  const float star_weight = in.ConsumeBool() ? default_star_weight : number(in);
  recommender r(models == 1 ? nullptr : &p.ranking, models == 0 ? nullptr : &p.rating, star_weight);
  model& primary = models == 1 ? p.rating : p.ranking;
  switch (in.ConsumeIntegralInRange(0, 9)) {
    case 0: {  // predict, predictBatch, scores, predictions
      const user_predictions out = r.predict(rows(in, n));
      check(out.scores.size() % n == 0, "scores that are not whole rows");
      return;
    }
    case 1: {  // recommend
      const std::vector<float> row = numbers(in, n);
      for (const auto& rec : r.recommend(row, k_of(in)))
        check(rec.column >= 0 && static_cast<std::size_t>(rec.column) < n &&
                  row[static_cast<std::size_t>(rec.column)] == 0,
              "a recommendation that is no unrated movie");
      return;
    }
    case 2: {  // explain
      const std::vector<float> row = numbers(in, n);
      std::vector<std::int32_t> columns;
      for (std::size_t i = in.ConsumeIntegralInRange(0, 4); i > 0; --i)
        columns.push_back(r.items().index_of(movie_id(in), "movie"));
      r.explain(row, columns, k_of(in));
      return;
    }
    case 3: {  // similar
      const item_space space(primary);
      const std::int32_t column = r.items().index_of(movie_id(in), "movie");
      space.nearest(column, k_of(in));
      return;
    }
    case 4:  // encode
      primary.encode(primary.dense_to_batch(numbers(in, n)));
      return;
    case 5:  // a taste map's place
      place_user(p.placer, primary, primary.dense_to_batch(numbers(in, n)));
      return;
    case 6: {  // an image model's reconstruct and encode
      const std::vector<float> pixels = any_numbers(in, 4 * 9);
      p.image.reconstruct(pixels);
      p.image.network().encode(pixels);
      return;
    }
    case 7: {  // nextItems
      std::vector<item_rating> history(in.ConsumeIntegralInRange(0, 8));
      for (item_rating& h : history) h = {movie_id(in), number(in)};
      p.sequence.next_items(history, k_of(in));
      return;
    }
    case 8: {  // addNoise
      const std::string kind = in.ConsumeRandomLengthString(16);
      const float level = number(in);
      rng random(in.ConsumeIntegral<std::uint64_t>());
      std::vector<float> pixels = any_numbers(in, 4 * 9);
      add_noise(pixels, {parse_image_noise(kind), level}, random);
      return;
    }
    default:  // a ranking model taken for a rating model, and the like
      recommender(models == 2 ? &p.rating : nullptr, models == 2 ? &p.ranking : &p.sequence, star_weight);
      return;
  }
}

}  // namespace
}  // namespace aerec::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  aerec::fuzz::accepted([&] { aerec::fuzz::call(in); });
  return 0;
}
