// The layer registry: every kind's entry agrees with the layers it makes, and
// layer specs are checked against their kind's declared settings.
#include <catch2/catch.hpp>
#include <set>

#include "aerec/backend/cpu_backend.h"
#include "aerec/core/error.h"
#include "aerec/nn/autoencoder.h"
#include "aerec/nn/layer_registry.h"
#include "aerec/nn/layers/conv2d.h"
#include "aerec/nn/layers/conv_transpose2d.h"
#include "aerec/nn/layers/dense.h"
#include "aerec/nn/layers/embedding.h"
#include "aerec/nn/layers/local_kernel.h"
#include "aerec/nn/layers/lstm.h"
#include "aerec/nn/layers/lstm_feed.h"
#include "aerec/nn/layers/max_pool2d.h"
#include "aerec/nn/layers/repeat.h"
#include "aerec/nn/layers/step_dense.h"
#include "aerec/nn/layers/upsample2d.h"

using namespace aerec;
using Catch::Matchers::Contains;

namespace {

// A valid spec of each registered kind; a new kind adds its own here.
layer_spec sample_of(std::string_view kind) {
  if (kind == dense_kind_name) return dense_spec(7, 5, activation::tanh);
  if (kind == local_kernel_kind_name) return local_kernel_spec(7, 5, activation::sigmoid, 3);
  if (kind == conv2d_kind_name) return conv2d_spec(shape::image(3, 9, 8), 4, 3, 2, 1, activation::relu);
  if (kind == conv_transpose2d_kind_name)
    return conv_transpose2d_spec(shape::image(4, 5, 4), 3, 3, 2, 1, activation::sigmoid);
  if (kind == max_pool2d_kind_name) return max_pool2d_spec(shape::image(2, 7, 7), 2, 2);
  if (kind == upsample2d_kind_name) return upsample2d_spec(shape::image(3, 4, 5), 2);
  if (kind == embedding_kind_name) return embedding_spec(4, 9, 3, true);
  if (kind == lstm_kind_name) return lstm_spec(6, 4, 3, true);
  if (kind == repeat_kind_name) return repeat_spec(5, 3);
  if (kind == step_dense_kind_name) return step_dense_spec(3, 5, 7, activation::identity);
  if (kind == lstm_feed_kind_name) return lstm_feed_spec(4, 2, 3, 5);
  FAIL("no sample spec for the layer kind " << kind << ": add one to sample_of");
  return {};
}

}  // namespace

TEST_CASE("layer registry: every kind makes layers that follow its parameter layout", "[layer][registry]") {
  const auto b = make_cpu_backend(1);
  std::set<std::string_view> names;
  for (const layer_kind_info* kind : layer_kinds()) {
    CAPTURE(kind->name);
    CHECK(names.insert(kind->name).second);
    CHECK(&layer_kind(kind->name) == kind);
    CHECK_FALSE(kind->summary.empty());
    const layer_spec spec = sample_of(kind->name);
    CHECK(layer_problem(spec).empty());
    for (const weight_layout layout : {weight_layout::by_input, weight_layout::by_output}) {
      const auto l = make_layer(*b, spec, layout);
      CHECK(l->spec() == spec);
      const auto declared = kind->parameters(spec);
      const auto made = l->parameters();
      REQUIRE(made.size() == declared.size());
      std::size_t floats = 0;
      for (std::size_t i = 0; i < made.size(); ++i) {
        CHECK(made[i].name == declared[i].name);
        CHECK(made[i].size == declared[i].rows * declared[i].cols);
        floats += made[i].size;
      }
      CHECK(parameter_floats(spec) == floats);
    }
  }
  CHECK(names == std::set<std::string_view>{"dense", "local_kernel", "conv2d", "conv_transpose2d",
                                            "max_pool2d", "upsample2d", "lstm", "repeat", "step_dense",
                                            "embedding", "lstm_feed"});
}

TEST_CASE("layer registry: specs are checked against their kind", "[layer][registry]") {
  CHECK_THAT(layer_problem({"conv", shape::features(3), shape::features(3), activation::relu, {}}),
             Contains("unknown layer kind 'conv'"));
  CHECK_THROWS_WITH(layer_kind("conv"), Contains("known: dense, local_kernel"));

  layer_spec missing = local_kernel_spec(4, 3, activation::sigmoid, 2);
  missing.attributes.clear();
  CHECK_THAT(layer_problem(missing), Contains("needs its kernel_dim"));

  layer_spec extra = dense_spec(4, 3, activation::sigmoid);
  extra.attributes["kernel_dim"] = 2;
  CHECK_THAT(layer_problem(extra), Contains("a dense layer has no setting 'kernel_dim'"));

  CHECK_THAT(layer_problem(local_kernel_spec(4, 3, activation::sigmoid, 0)),
             Contains("kernel_dim 0 is outside 1..1024"));
  CHECK_THAT(layer_problem(dense_spec(0, 3, activation::sigmoid)), Contains("widths must be positive"));

  const auto b = make_cpu_backend(1);
  const auto e = [&] { make_layer(*b, missing); };
  CHECK_THROWS_AS(e(), error);
  CHECK(layer_kind(dense_kind_name).describe(dense_spec(4, 3, activation::sigmoid)).empty());
  CHECK(layer_kind(local_kernel_kind_name).describe(local_kernel_spec(4, 3, activation::sigmoid, 5)) ==
        "local kernel, R^5");
}

TEST_CASE("layer registry: image layers refuse geometries that disagree with their settings",
          "[layer][registry][pool]") {
  CHECK(layer_problem(max_pool2d_spec(shape::image(2, 7, 7), 2, 2)).empty());
  CHECK(max_pool2d_spec(shape::image(2, 7, 7), 2, 2).output == shape::image(2, 4, 4));
  // A model file's damaged spec: an output its input and settings do not give.
  layer_spec pool = max_pool2d_spec(shape::image(2, 7, 7), 2, 2);
  pool.output = shape::image(2, 3, 3);
  CHECK_THAT(layer_problem(pool), Contains("its output must be 2x4x4"));
  pool.output = shape::image(3, 4, 4);
  CHECK_THAT(layer_problem(pool), Contains("its output must be 2x4x4"));
  pool.attributes["stride"] = 3;
  pool.output = shape::image(2, 4, 4);
  CHECK_THAT(layer_problem(pool), Contains("pooled 2x2 every 3 pixels"));
  CHECK_THAT(layer_problem(max_pool2d_spec(shape::image(1, 7, 2), 3, 1)),
             Contains("kernel_size 3 is larger than its input 1x7x2"));
  CHECK_THAT(layer_problem(max_pool2d_spec(shape::image(1, 4, 4), 2, 0)), Contains("stride 0 is outside"));
  layer_spec flat = max_pool2d_spec(shape::image(1, 4, 4), 2, 2);
  flat.input = shape::features(16);
  CHECK_THAT(layer_problem(flat), Contains("takes and emits images"));
  layer_spec activated = upsample2d_spec(shape::image(1, 4, 4), 2);
  activated.act = activation::relu;
  CHECK_THAT(layer_problem(activated), Contains("has no activation"));
  layer_spec up = upsample2d_spec(shape::image(2, 4, 5), 3);
  CHECK(layer_problem(up).empty());
  up.output = shape::image(2, 12, 16);
  CHECK_THAT(layer_problem(up), Contains("3 times as high and wide, not 2x12x16"));
  up.attributes.erase("scale");
  CHECK_THAT(layer_problem(up), Contains("needs its scale"));

  CHECK(layer_kind(max_pool2d_kind_name).describe(max_pool2d_spec(shape::image(1, 4, 4), 2, 2)) ==
        "2x2 max pooling, stride 2");
  CHECK(layer_kind(upsample2d_kind_name).describe(upsample2d_spec(shape::image(1, 4, 4), 2)) ==
        "2x nearest upsampling");
}

TEST_CASE("shapes: features, images and sequences", "[layer][shape]") {
  CHECK(shape::features(1682).size() == 1682);
  CHECK(shape::features(1682).rank() == 1);
  CHECK(shape::features(1682).text() == "1682");
  const shape image = shape::image(3, 28, 28);
  CHECK(image.size() == 3 * 28 * 28);
  CHECK(image.rank() == 3);
  CHECK(image.text() == "3x28x28 (channels x height x width)");
  const shape sequence = shape::sequence(20, 64);
  CHECK(sequence.size() == 1280);
  CHECK(sequence.text() == "20x64 (steps x features)");
  CHECK(shape::features(784) != shape::image(1, 28, 28));
  CHECK(shape::features(0).size() == 0);
  CHECK(shape::image(1 << 16, 1 << 16, 2).size() == 0);  // beyond any real example
}

TEST_CASE("autoencoder: each layer takes exactly the shape the one below emits", "[autoencoder][shape]") {
  const auto b = make_cpu_backend(1);
  // A dense layer may read an image as its floats; then the next must take that shape.
  layer_spec encoder = dense_spec(784, 32, activation::relu);
  encoder.input = shape::image(1, 28, 28);
  layer_spec decoder = dense_spec(32, 784, activation::sigmoid);
  decoder.output = shape::image(1, 28, 28);
  CHECK(layer_chain_problem({encoder, decoder}).empty());
  decoder.output = shape::features(784);
  CHECK_THAT(layer_chain_problem({encoder, decoder}), Contains("output shape must equal its input's"));
  layer_spec sequence_in = dense_spec(32, 784, activation::sigmoid);
  sequence_in.input = shape::sequence(4, 8);
  sequence_in.output = shape::image(1, 28, 28);
  CHECK_THAT(layer_chain_problem({encoder, sequence_in}),
             Contains("layer 1 does not fit the layer below it"));
  CHECK_THAT(layer_chain_problem({encoder, local_kernel_spec(32, 784, activation::identity, 0)}),
             Contains("layer 1: its kernel_dim 0"));
}

TEST_CASE("layer registry: convolution specs must match their geometry", "[layer][registry][conv]") {
  const layer_spec conv = conv2d_spec(shape::image(1, 28, 28), 16, 3, 1, 1, activation::relu);
  CHECK(conv.output == shape::image(16, 28, 28));
  CHECK(layer_problem(conv).empty());
  CHECK(layer_kind(conv2d_kind_name).describe(conv) == "3x3 conv, stride 1, padding 1");
  const layer_spec up = conv_transpose2d_spec(shape::image(8, 7, 7), 4, 4, 2, 1, activation::relu);
  CHECK(up.output == shape::image(4, 14, 14));
  CHECK(layer_problem(up).empty());
  CHECK(layer_kind(conv_transpose2d_kind_name).describe(up) == "4x4 transposed conv, stride 2, padding 1");
  // A model file's damaged spec is refused by name, not computed with.
  layer_spec wrong = conv;
  wrong.output = shape::image(16, 14, 14);
  CHECK_THAT(layer_problem(wrong), Contains("make a 28x28 input 28x28, not 14x14"));
  wrong = up;
  wrong.output = shape::image(4, 15, 15);
  CHECK_THAT(layer_problem(wrong), Contains("make a 7x7 input 14x14, not 15x15"));
  wrong = conv;
  wrong.input = shape::features(784);
  CHECK_THAT(layer_problem(wrong), Contains("takes and emits images"));
  wrong = conv2d_spec(shape::image(1, 5, 5), 4, 5, 1, 0, activation::relu);
  wrong.input = shape::image(1, 2, 2);
  CHECK_THAT(layer_problem(wrong), Contains("make a 2x2 input nothing, not 1x1"));
  layer_spec no_stride = conv;
  no_stride.attributes["stride"] = 0;
  CHECK_THAT(layer_problem(no_stride), Contains("stride 0 is outside 1..255"));
  const auto b = make_cpu_backend(1);
  CHECK_THROWS_AS(make_layer(*b, wrong), error);
}
