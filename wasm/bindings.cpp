// Embind bindings: a thin layer over lib/'s model, model file and CPU backend.
//
// A failing call never lets a C++ exception or a JS exception cross the wasm
// boundary (either would leak or leave the module unusable): it records the
// error and returns undefined, and api.js turns that into an AerecError.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <memory>
#include <new>
#include <span>
#include <string>
#include <vector>

#include "aerec/backend/cpu_backend.h"
#include "aerec/core/error.h"
#include "aerec/io/model_file.h"

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

}  // namespace

// A loaded model with its own single-threaded CPU backend. Every call takes
// and returns ratings by movie, so a model whose file says it makes none
// (item-based, or ranking scores) is refused here, once, with the reason.
class model_handle {
 public:
  explicit model_handle(const std::string& bytes)
      : device_(make_cpu_backend(1)), model_(deserialize_model(*device_, bytes, "model bytes")) {
    if (const std::string problem = model_.rating_prediction_problem(); !problem.empty())
      throw error(error_code::invalid_argument,
                  "model bytes: " + problem + "; this module predicts ratings by movie");
  }

  int num_items() const { return model_.items().size(); }
  int code_size() { return model_.network().code_size(); }
  float scale_min() const { return model_.scale().min; }
  float scale_max() const { return model_.scale().max; }
  std::string metadata() const { return model_.metadata(); }

  val item_ids() const {
    const auto ids = model_.items().ids();
    return typed_copy("Int32Array", std::vector<std::int32_t>(ids.begin(), ids.end()));
  }

  val predict(const val& ratings) {
    return guarded(
        [&] { return typed_copy("Float32Array", model_.predict_dense(user_row(ratings).values())); });
  }

  // `count` users' rows, one after another, predicted in one batch.
  val predict_batch(const val& rows, int count) {
    return guarded([&] {
      const float_array copied(rows);
      const std::span<const float> all = copied.values();
      const auto n = static_cast<std::size_t>(num_items());
      if (count < 0 || all.size() != static_cast<std::size_t>(count) * n)
        throw error(error_code::invalid_argument, "rows has " + std::to_string(all.size()) +
                                                      " entries, not " + std::to_string(count) + " users x " +
                                                      std::to_string(n) + " movies");
      // Columns straight into the batch: no id lookups on the way in.
      return typed_copy("Float32Array", model_.predict_dense(all));
    });
  }

  val encode(const val& ratings) {
    return guarded([&] { return typed_copy("Float32Array", model_.encode(user_batch(ratings))); });
  }

  val recommend(const val& ratings, int k) {
    return guarded([&] {
      if (k < 0) throw error(error_code::invalid_argument, "k must be >= 0, not " + std::to_string(k));
      val out = val::array();
      for (const recommendation& r : model_.recommend(user_batch(ratings), static_cast<std::size_t>(k))) {
        val item = val::object();
        item.set("itemId", r.item_id);
        item.set("score", r.score);
        out.call<void>("push", item);
      }
      return out;
    });
  }

 private:
  // One user's dense row as the model's batch: columns straight in, no id lookups.
  sparse_batch user_batch(const val& ratings) const {
    return model_.dense_to_batch(user_row(ratings).values());
  }

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
  model model_;
};

namespace {

// The model, or null with the error recorded.
std::unique_ptr<model_handle> load_model(const val& bytes) {
  std::unique_ptr<model_handle> loaded;
  guarded([&] {
    const auto raw = emscripten::convertJSArrayToNumberVector<std::uint8_t>(bytes);
    loaded = std::make_unique<model_handle>(std::string(raw.begin(), raw.end()));
    return val::null();
  });
  return loaded;
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
      .function("metadata", &model_handle::metadata)
      .function("itemIds", &model_handle::item_ids)
      .function("predict", &model_handle::predict)
      .function("predictBatch", &model_handle::predict_batch)
      .function("encode", &model_handle::encode)
      .function("recommend", &model_handle::recommend);
  emscripten::function("rawLoadModel", &load_model);
  emscripten::function("rawLastError", &last_error);
}

}  // namespace aerec::wasm
