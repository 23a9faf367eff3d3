// Embind bindings: a thin layer over lib/'s model files, recommender and CPU backend.
//
// A failing call never lets a C++ exception or a JS exception cross the wasm
// boundary (either would leak or leave the module unusable): it records the
// error and returns undefined, and api.js turns that into an AerecError.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <array>
#include <cmath>
#include <limits>
#include <memory>
#include <new>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include "aerec/backend/cpu_backend.h"
#include "aerec/core/error.h"
#include "aerec/core/rng.h"
#include "aerec/data/image_noise.h"
#include "aerec/data/implicit_feedback.h"
#include "aerec/io/model_file.h"
#include "aerec/map/place_user.h"
#include "aerec/serve/item_space.h"
#include "aerec/serve/recommender.h"

namespace aerec::wasm {

using emscripten::val;

namespace {

struct failure {
  std::string code, message;
};
failure last_failure;

// Runs `body`, returning its value, or undefined with the error recorded.
template <class F>
val guarded(F&& body) {
  try {
    return body();
  } catch (const error& e) {
    last_failure = {error_code_name(e.code()), e.what()};
  } catch (const std::bad_alloc&) {
    last_failure = {"out_of_memory", "out of memory"};
  } catch (const std::exception& e) {
    last_failure = {error_code_name(error_code::internal), e.what()};
  }
  return val::undefined();
}

template <class T>
val typed_copy(const char* array_type, const std::vector<T>& values) {
  // A new typed array over a view of wasm memory copies it: JS owns the result.
  return val::global(array_type).new_(emscripten::typed_memory_view(values.size(), values.data()));
}

// A JS array's numbers as floats, copied in by one TypedArray.set (as
// convertJSArrayToNumberVector does, but into memory not zeroed first: a
// megabyte per 64-user batch).
class float_array {
 public:
  explicit float_array(const val& array) : size_(array["length"].as<std::size_t>()), data_(new float[size_]) {
    val(emscripten::typed_memory_view(size_, data_.get())).call<void>("set", array);
  }
  std::span<const float> values() const { return {data_.get(), size_}; }

 private:
  std::size_t size_;
  std::unique_ptr<float[]> data_;
};

// The threads each new handle's CPU backend splits its work over: 1, or in the
// threaded build what createAerec's `threads` asked for (api.js sets it once,
// before createAerec resolves, so before any model loads).
int backend_threads = 1;

std::unique_ptr<backend> new_backend() { return make_cpu_backend(backend_threads); }

void set_threads(int threads) { backend_threads = threads; }

}  // namespace

// One model, or a ranking model with a rating model, and their own CPU
// backend: lib's recommender (aerec/serve) answers every call. Every call
// takes users' ratings by movie, so an item-based model is refused here, once,
// with the reason.
class model_handle {
 public:
  // `second` is absent for one model.
  model_handle(const std::string& first, const std::optional<std::string>& second, float star_weight)
      : device_(new_backend()) {
    for (const std::string* bytes : {&first, second ? &*second : nullptr}) {
      if (!bytes) continue;
      const std::string source = !second ? "model bytes" : bytes == &first ? "first model" : "second model";
      auto m = std::make_unique<model>(deserialize_model(*device_, *bytes, source));
      if (m->images())
        throw error(error_code::invalid_argument, source + ": an image model: load it with loadImageModel");
      if (m->sequences())
        throw error(error_code::invalid_argument,
                    source + ": a sequence model: load it with loadSequenceModel");
      if (const std::string problem = m->user_input_problem(); !problem.empty())
        throw error(error_code::invalid_argument,
                    source + ": " + problem + "; this module takes ratings by movie");
      // Served as loaded: its weights packed once for the products, not for each (the first
      // layer's selected by the ratings, no product).
      m->network().prepare_for_serving(/*sparse_inputs=*/true);
      std::unique_ptr<model>& slot = m->ranks() ? ranking_ : rating_;
      if (slot)
        throw error(error_code::invalid_argument, std::string("both models ") +
                                                      (m->ranks() ? "rank" : "predict ratings") +
                                                      ": pair a ranking model with a rating model");
      slot = std::move(m);
    }
    recommender_.emplace(ranking_.get(), rating_.get(), star_weight);
  }

  int num_items() const { return recommender_->items().size(); }
  int code_size() { return primary().network().code_size(); }
  float scale_min() const { return recommender_->scale().min; }
  float scale_max() const { return recommender_->scale().max; }
  bool has_stars() const { return recommender_->has_stars(); }
  bool ranks() const { return ranking_ != nullptr; }
  std::string metadata(bool of_ranking) const {
    const model* m = of_ranking ? ranking_.get() : rating_.get();
    return m ? m->metadata() : std::string();
  }

  val item_ids() const {
    const auto ids = recommender_->items().ids();
    return typed_copy("Int32Array", std::vector<std::int32_t>(ids.begin(), ids.end()));
  }

  // Stars where there is a rating model, else the ranking scores.
  val predict(const val& ratings) {
    return guarded(
        [&] { return typed_copy("Float32Array", recommender_->shown(user_row(ratings).values())); });
  }

  // `count` users' rows, one after another, predicted in one batch; into `out` (a Float32Array
  // of the result's length, api.js checks it) when it is not null: a caller that predicts batch
  // after batch spares a new megabyte-sized array, whose fresh pages cost more than the copy.
  val predict_batch(const val& rows, int count, const val& out) {
    return guarded([&] {
      const float_array copied(rows);
      const std::span<const float> all = copied.values();
      const auto n = static_cast<std::size_t>(num_items());
      if (count < 0 || all.size() != static_cast<std::size_t>(count) * n)
        throw error(error_code::invalid_argument, "rows has " + std::to_string(all.size()) +
                                                      " entries, not " + std::to_string(count) + " users x " +
                                                      std::to_string(n) + " movies");
      // Columns straight into the batch: no id lookups on the way in.
      const std::vector<float> shown = recommender_->shown(all);
      if (out.isNull()) return typed_copy("Float32Array", shown);
      out.call<void>("set", emscripten::typed_memory_view(shown.size(), shown.data()));
      return out;
    });
  }

  val scores(const val& ratings) {
    return guarded(
        [&] { return typed_copy("Float32Array", recommender_->scores(user_row(ratings).values())); });
  }

  // Scores and stars (null without a rating model) from one pass.
  val predictions(const val& ratings) {
    return guarded([&] {
      const user_predictions p = recommender_->predict(user_row(ratings).values());
      val out = val::object();
      out.set("scores", typed_copy("Float32Array", p.scores));
      out.set("stars", has_stars() ? typed_copy("Float32Array", p.stars) : val::null());
      return out;
    });
  }

  val encode(const val& ratings) {
    return guarded([&] {
      model& m = primary();
      return typed_copy("Float32Array", m.encode(m.dense_to_batch(user_row(ratings).values())));
    });
  }

  // Where this user sits on a taste map, by the ranking model's code (else
  // the rating model's); nullopt when that model sees none of the ratings.
  std::optional<std::array<float, 2>> place_on(parametric_map& placer, const val& ratings) {
    model& m = primary();
    return place_user(placer, m, m.dense_to_batch(user_row(ratings).values()));
  }

  val recommend(const val& ratings, int k) {
    return guarded([&] {
      if (k < 0) throw error(error_code::invalid_argument, "k must be >= 0, not " + std::to_string(k));
      val out = val::array();
      for (const auto& r : recommender_->recommend(user_row(ratings).values(), static_cast<std::size_t>(k))) {
        val item = val::object();
        item.set("itemId", item_id(r.column));
        item.set("score", r.score);
        if (has_stars()) item.set("stars", r.stars);
        out.call<void>("push", item);
      }
      return out;
    });
  }

  // For each movie id, the rated movies that raise its score most.
  val explain(const val& ratings, const val& item_ids, int k) {
    return guarded([&] {
      if (k < 0) throw error(error_code::invalid_argument, "k must be >= 0, not " + std::to_string(k));
      std::vector<std::int32_t> columns;
      for (const std::int32_t id : emscripten::convertJSArrayToNumberVector<std::int32_t>(item_ids))
        columns.push_back(recommender_->items().index_of(id, "movie"));
      const float_array row = user_row(ratings);
      val out = val::array();
      for (const auto& reasons : recommender_->explain(row.values(), columns, static_cast<std::size_t>(k))) {
        val list = val::array();
        for (const reason& r : reasons) {
          val item = val::object();
          item.set("itemId", item_id(r.column));
          item.set("rating", r.rating);
          item.set("effect", r.effect);
          list.call<void>("push", item);
        }
        out.call<void>("push", list);
      }
      return out;
    });
  }

  // The k movies nearest `id` in the item space of the ranking model (else the rating model).
  val similar(int id, int k) {
    return guarded([&] {
      if (k < 0) throw error(error_code::invalid_argument, "k must be >= 0, not " + std::to_string(k));
      if (!space_) space_.emplace(primary());
      val out = val::array();
      const std::int32_t column = recommender_->items().index_of(id, "movie");
      for (const neighbour& n : space_->nearest(column, static_cast<std::size_t>(k))) {
        val item = val::object();
        item.set("itemId", item_id(n.column));
        item.set("similarity", n.similarity);
        out.call<void>("push", item);
      }
      return out;
    });
  }

 private:
  model& primary() const { return ranking_ ? *ranking_ : *rating_; }
  std::int32_t item_id(std::int32_t column) const { return recommender_->items().id(column); }

  // A copy of one user's dense row, checked for length.
  float_array user_row(const val& ratings) const {
    float_array copied(ratings);
    if (copied.values().size() != static_cast<std::size_t>(num_items()))
      throw error(error_code::invalid_argument, "ratings has " + std::to_string(copied.values().size()) +
                                                    " entries; the model has " + std::to_string(num_items()) +
                                                    " movies (one per column, 0 = not rated)");
    return copied;
  }

  std::unique_ptr<backend> device_;
  std::unique_ptr<model> ranking_, rating_;
  std::optional<recommender> recommender_;
  std::optional<item_space> space_;
};

// A taste map's placer, from the page file `aerec map --web` writes.
class map_handle {
 public:
  explicit map_handle(const std::string& text)
      : device_(new_backend()), placer_(page_placer(*device_, text, "taste map")) {}

  int code_size() const { return placer_.code_size(); }

  // [x, y] of the user whose ratings these are, by `m`'s code; [] when `m`
  // sees none of them.
  val place(model_handle& m, const val& ratings) {
    return guarded([&] {
      const auto place = m.place_on(placer_, ratings);
      return typed_copy("Float32Array",
                        place ? std::vector<float>(place->begin(), place->end()) : std::vector<float>());
    });
  }

 private:
  std::unique_ptr<backend> device_;
  parametric_map placer_;
};

// An image autoencoder (aerec train --preset conv ...) and its own CPU backend.
class image_handle {
 public:
  explicit image_handle(const std::string& bytes)
      : device_(new_backend()), model_(deserialize_model(*device_, bytes, "model bytes")) {
    if (!model_.images())
      throw error(error_code::invalid_argument,
                  "model bytes: not an image model (loadModel takes recommenders)");
  }

  // The images' shape: channels, height, width.
  int dim(int i) { return model_.network().specs().front().input.dim(i); }
  int code_size() { return model_.network().code_size(); }
  std::string metadata() const { return model_.metadata(); }

  // Whole images' pixels in [0, 1], one image after another.
  val reconstruct(const val& pixels) {
    return guarded(
        [&] { return typed_copy("Float32Array", model_.reconstruct(float_array(pixels).values())); });
  }
  val encode(const val& pixels) {
    return guarded([&] {
      const float_array copied(pixels);
      model_.reconstruct(copied.values());  // checks the length and range as for a reconstruction
      return typed_copy("Float32Array", model_.network().encode(copied.values()));
    });
  }

 private:
  std::unique_ptr<backend> device_;
  model model_;
};

// A sequence model (aerec train --preset seq2seq) and its own CPU backend:
// lib's model::next_items answers, as it does aerec recommend --next.
class sequence_handle {
 public:
  explicit sequence_handle(const std::string& bytes)
      : device_(new_backend()), model_(deserialize_model(*device_, bytes, "model bytes")) {
    if (!model_.sequences())
      throw error(
          error_code::invalid_argument,
          "model bytes: not a sequence model (loadModel takes recommenders, loadImageModel image models)");
  }

  int num_items() const { return model_.items().size(); }
  float scale_min() const { return model_.scale().min; }
  float scale_max() const { return model_.scale().max; }
  std::string metadata() const { return model_.metadata(); }
  val item_ids() const {
    const auto ids = model_.items().ids();
    return typed_copy("Int32Array", std::vector<std::int32_t>(ids.begin(), ids.end()));
  }

  // The k movies predicted next after the movies `item_ids` rated `ratings`,
  // in the order rated: [{itemId, score}], best first, rated ones left out.
  val next_items(const val& item_ids, const val& ratings, int k) {
    return guarded([&] {
      if (k < 1) throw error(error_code::invalid_argument, "k must be >= 1, not " + std::to_string(k));
      const std::vector<item_rating> history = history_of(item_ids, ratings);
      val out = val::array();
      for (const recommendation& r : model_.next_items(history, static_cast<std::size_t>(k))) {
        val item = val::object();
        item.set("itemId", r.item_id);
        item.set("score", r.score);
        out.call<void>("push", item);
      }
      return out;
    });
  }

 private:
  // Read as doubles, so that an id that is not a whole number is refused, not truncated.
  static std::vector<item_rating> history_of(const val& item_ids, const val& ratings) {
    const auto ids = emscripten::convertJSArrayToNumberVector<double>(item_ids);
    const float_array values(ratings);
    if (ids.size() != values.values().size())
      throw error(error_code::invalid_argument, "the history has " + std::to_string(ids.size()) +
                                                    " movie ids but " +
                                                    std::to_string(values.values().size()) + " ratings");
    std::vector<item_rating> history;
    for (std::size_t i = 0; i < ids.size(); ++i) {
      if (!(ids[i] >= 1 && ids[i] <= std::numeric_limits<std::int32_t>::max()) ||
          ids[i] != std::floor(ids[i])) {
        std::ostringstream id;
        id << ids[i];
        throw error(error_code::invalid_argument, "history entry " + std::to_string(i + 1) + ": movie id " +
                                                      id.str() + " is not a whole number >= 1");
      }
      history.push_back({static_cast<std::int32_t>(ids[i]), values.values()[i]});
    }
    return history;
  }

  std::unique_ptr<backend> device_;
  model model_;
};

namespace {

// `pixels` with noise of `kind` at `level` (data/image_noise.h), drawn from `seed`.
val noisy(const val& pixels, const std::string& kind, float level, double seed) {
  return guarded([&] {
    const float_array copied(pixels);
    std::vector<float> out(copied.values().begin(), copied.values().end());
    rng random(static_cast<std::uint64_t>(seed));
    add_noise(out, {parse_image_noise(kind), level}, random);
    return typed_copy("Float32Array", out);
  });
}

std::string bytes_of(const val& bytes) {
  const auto raw = emscripten::convertJSArrayToNumberVector<std::uint8_t>(bytes);
  return std::string(raw.begin(), raw.end());
}

// A new handle from `make`, or null with the error recorded.
template <class T, class F>
std::unique_ptr<T> made(F&& make) {
  std::unique_ptr<T> loaded;
  guarded([&] {
    loaded = make();
    return val::null();
  });
  return loaded;
}

// The model (or pair).
std::unique_ptr<model_handle> load_models(const val& first, const val& second, float star_weight) {
  return made<model_handle>([&] {
    std::optional<std::string> other;
    if (!second.isNull()) other = bytes_of(second);
    return std::make_unique<model_handle>(bytes_of(first), other, star_weight);
  });
}

std::unique_ptr<map_handle> load_taste_map(const std::string& text) {
  return made<map_handle>([&] { return std::make_unique<map_handle>(text); });
}

std::unique_ptr<image_handle> load_image_model(const val& bytes) {
  return made<image_handle>([&] { return std::make_unique<image_handle>(bytes_of(bytes)); });
}

std::unique_ptr<sequence_handle> load_sequence_model(const val& bytes) {
  return made<sequence_handle>([&] { return std::make_unique<sequence_handle>(bytes_of(bytes)); });
}

val last_error() {
  val e = val::object();
  e.set("code", last_failure.code);
  e.set("message", last_failure.message);
  return e;
}

}  // namespace

EMSCRIPTEN_BINDINGS(aerec) {
  emscripten::class_<model_handle>("RawModel")
      .function("numItems", &model_handle::num_items)
      .function("codeSize", &model_handle::code_size)
      .function("scaleMin", &model_handle::scale_min)
      .function("scaleMax", &model_handle::scale_max)
      .function("hasStars", &model_handle::has_stars)
      .function("ranks", &model_handle::ranks)
      .function("metadata", &model_handle::metadata)
      .function("itemIds", &model_handle::item_ids)
      .function("predict", &model_handle::predict)
      .function("predictBatch", &model_handle::predict_batch)
      .function("scores", &model_handle::scores)
      .function("predictions", &model_handle::predictions)
      .function("encode", &model_handle::encode)
      .function("recommend", &model_handle::recommend)
      .function("explain", &model_handle::explain)
      .function("similar", &model_handle::similar);
  emscripten::class_<map_handle>("RawTasteMap")
      .function("codeSize", &map_handle::code_size)
      .function("place", &map_handle::place);
  emscripten::class_<image_handle>("RawImageModel")
      .function("dim", &image_handle::dim)
      .function("codeSize", &image_handle::code_size)
      .function("metadata", &image_handle::metadata)
      .function("reconstruct", &image_handle::reconstruct)
      .function("encode", &image_handle::encode);
  emscripten::class_<sequence_handle>("RawSequenceModel")
      .function("numItems", &sequence_handle::num_items)
      .function("scaleMin", &sequence_handle::scale_min)
      .function("scaleMax", &sequence_handle::scale_max)
      .function("metadata", &sequence_handle::metadata)
      .function("itemIds", &sequence_handle::item_ids)
      .function("nextItems", &sequence_handle::next_items);
  emscripten::function("rawLoadModels", &load_models);
  emscripten::function("rawLoadSequenceModel", &load_sequence_model);
  emscripten::function("rawLoadImageModel", &load_image_model);
  emscripten::function("rawAddNoise", &noisy);
  emscripten::function("rawLoadTasteMap", &load_taste_map);
  emscripten::function("rawLastError", &last_error);
  emscripten::function("rawSetThreads", &set_threads);
  emscripten::constant("defaultStarWeight", default_star_weight);
  emscripten::constant("likedRating", liked_rating);
}

}  // namespace aerec::wasm
