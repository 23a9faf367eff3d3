// Image autoencoders: networks from their descriptions, backpropagation
// through a whole convolutional network taking dense inputs, image models,
// and the image trainer on synthetic images.
#include <catch2/catch.hpp>
#include <cmath>

#include "aerec/backend/cpu_backend.h"
#include "aerec/backend/device_array.h"
#include "aerec/io/model_file.h"
#include "aerec/nn/image_layers.h"
#include "aerec/nn/pixel_loss.h"
#include "aerec/train/image_run.h"
#include "aerec/train/image_trainer.h"
#include "aerec/train/trainer.h"
#include "expect_error.h"
#include "gradient_check.h"

using namespace aerec;
using namespace aerec::testing;

namespace {

const shape fashion = shape::image(1, 28, 28);

// Images of 8x8 with a bright bar, horizontal or vertical, at a random place:
// what an autoencoder can learn in a few epochs.
image_set bars(int count, std::uint64_t seed) {
  image_set s;
  s.count = count;
  s.height = s.width = 8;
  s.pixels.assign(static_cast<std::size_t>(count) * 64, 0.05f);
  rng random(seed);
  for (int i = 0; i < count; ++i) {
    const bool across = random.uniform() < 0.5f;
    const int at = static_cast<int>(random.uniform() * 8) % 8;
    for (int k = 0; k < 8; ++k) {
      const int y = across ? at : k, x = across ? k : at;
      s.pixels[static_cast<std::size_t>(i * 64 + y * 8 + x)] = 0.95f;
    }
    s.labels.push_back(across ? 0 : 1);
  }
  return s;
}

}  // namespace

TEST_CASE("the image presets' networks have the shapes their descriptions say", "[image_autoencoder]") {
  auto b = make_cpu_backend();
  const auto conv = conv_layers(fashion, preset("conv").model.conv, activation::relu, activation::sigmoid);
  REQUIRE(conv.size() == 13);
  const autoencoder keras(*b, conv);
  // The Keras blog's 4x4x8 code, after the third pooling.
  CHECK(keras.code_layer() == 5);
  CHECK(conv[5].output == shape::image(8, 4, 4));
  CHECK(conv.back().output == fashion);
  CHECK(conv.back().act == activation::sigmoid);
  const auto wide =
      conv_layers(fashion, preset("conv-denoise").model.conv, activation::relu, activation::sigmoid);
  CHECK(wide[autoencoder(*b, wide).code_layer()].output == shape::image(32, 7, 7));
  const std::vector<int> hidden = {32};
  const auto dense = dense_image_layers(fashion, hidden, activation::relu, activation::sigmoid);
  CHECK(dense.front().input == fashion);
  CHECK(autoencoder(*b, dense).code_size() == 32);
  // Transposed convolutions double the size.
  const auto up = conv_layers(shape::image(1, 8, 8), "c4,p2,t3", activation::relu, activation::sigmoid);
  CHECK(up[2].output == shape::image(3, 8, 8));
}

TEST_CASE("a description that makes no image autoencoder is refused by the layer at fault",
          "[image_autoencoder]") {
  const auto problem = [](const std::string& description) {
    const auto e =
        error_from([&] { conv_layers(fashion, description, activation::relu, activation::sigmoid); });
    REQUIRE(e);
    CHECK(e->code() == error_code::invalid_argument);
    return std::string(e->what());
  };
  CHECK_THAT(problem("c16,x2"), Catch::Contains("'x2'"));
  CHECK_THAT(problem("c0"), Catch::Contains("'c0'"));
  CHECK_THAT(problem("c16,,p2"), Catch::Contains("''"));
  CHECK_THAT(problem("p2vv"), Catch::Contains("'p2vv'"));
  // Sizes that do not come back to 28x28.
  CHECK_THAT(problem("c8,p2"), Catch::Contains("14x14"));
  CHECK_THAT(problem("p2,p2,p2,p2,p2,p2"), Catch::Contains("'p2'"));
}

TEST_CASE("a convolutional autoencoder's gradients on dense inputs match central differences",
          "[image_autoencoder][gradient]") {
  auto b = make_cpu_backend();
  const shape image = shape::image(1, 8, 8);
  const image_set data = bars(3, 5);
  device_array<float> x(*b, data.pixels.size());
  x.upload(data.pixels);
  const const_matrix_view input(x.data(), 3, 64);
  // Padded and unpadded convolutions, pooling, upsampling and a transposed convolution.
  for (const char* description : {"c3,p2,c2,u2", "c2,p2,t3", "u2,c2v,c2v,c2v,c2v"}) {
    CAPTURE(description);
    autoencoder net(*b, conv_layers(image, description, activation::tanh, activation::sigmoid));
    rng random(3);
    net.initialize(init_scheme::pytorch, random);
    pixel_loss loss(*b, pixel_loss_kind::bce);
    device_array<float> grad(*b, 3 * 64);
    const auto f = [&] { return loss.evaluate(net.forward(input), input, nullptr).loss; };
    loss.evaluate(net.forward(input), input, grad.data());
    net.backward(input, const_matrix_view(grad.data(), 3, 64), 0);
    for (const parameter& p : net.parameters()) {
      for (std::size_t k = 0; k < p.size; k += std::max<std::size_t>(1, p.size / 7)) {
        // A step small enough not to move a pooling window's maximum.
        const double numeric = central_difference(p.value[k], f, 2e-3f);
        require_close(p.grad[k], numeric, p.name + "[" + std::to_string(k) + "]", 2e-2, 2e-5);
      }
    }
  }
}

TEST_CASE("an image model reconstructs whole images of pixels in [0, 1] and keeps its meaning in its file",
          "[image_autoencoder][model]") {
  auto b = make_cpu_backend();
  const shape image = shape::image(1, 8, 8);
  auto net = std::make_unique<autoencoder>(
      *b, conv_layers(image, "c3,p2,c2,u2", activation::relu, activation::sigmoid));
  rng random(1);
  net->initialize(init_scheme::xavier, random);
  model m(std::move(net), pixel_ids(64), {0, 1}, image_meaning(), "{}");
  const image_set data = bars(2, 9);
  const std::vector<float> out = m.reconstruct(data.pixels);
  REQUIRE(out.size() == 128);
  for (const float v : out) CHECK((v > 0 && v < 1));
  CHECK_THAT(m.user_input_problem(), Catch::Contains("image model"));

  std::vector<float> bad = data.pixels;
  bad.pop_back();
  CHECK_THAT(error_from([&] { m.reconstruct(bad); })->what(), Catch::Contains("whole images of 64"));
  bad = data.pixels;
  bad[70] = 1.5f;
  CHECK_THAT(error_from([&] { m.reconstruct(bad); })->what(), Catch::Contains("pixel 6 of image 1"));
  bad[70] = std::nanf("");
  CHECK(error_from([&] { m.reconstruct(bad); }));

  model back = deserialize_model(*b, serialize_model(m), "the image model");
  CHECK(back.images());
  CHECK(back.meaning() == image_meaning());
  CHECK(back.network().specs() == m.network().specs());
  CHECK(back.reconstruct(data.pixels) == out);
}

TEST_CASE("the image trainer learns bars, and a denoising one removes noise",
          "[image_autoencoder][trainer]") {
  auto b = make_cpu_backend();
  const image_set train = bars(256, 1), test = bars(64, 2);
  for (const float noise : {0.0f, 0.3f}) {
    CAPTURE(noise);
    train_config c = preset("conv");
    c.model.conv = "c8,p2,c8,u2";
    c.batch_size = 16;
    c.input_noise = noise;
    c.optimizer.lr = 3e-3;
    autoencoder net(*b, image_network(c.model, shape::image(1, 8, 8)));
    rng random(c.seed);
    net.initialize(c.model.init, random);
    image_trainer t(net, c);
    const image_figures before = t.evaluate(test);
    double first = 0, last = 0;
    for (int e = 0; e < 25; ++e) {
      const image_epoch_report r = t.run_epoch(train);
      CHECK(r.epoch == e + 1);
      (e == 0 ? first : last) = r.train_loss;
    }
    const image_figures after = t.evaluate(test);
    CHECK(last < 0.6 * first);
    CHECK(after.bce < 0.6 * before.bce);
    CHECK(after.psnr > before.psnr + 5);
    // The same noisy test images every time.
    CHECK(t.evaluate(test).psnr == after.psnr);
    REQUIRE(after.psnr_noisy.has_value() == (noise > 0));
    if (noise > 0) CHECK(after.psnr > *after.psnr_noisy + 3);
  }
}

TEST_CASE("image noise from the configuration comes in a fixed order", "[image_autoencoder]") {
  train_config c = preset("conv");
  CHECK(image_noises_of(c).empty());
  c.salt_pepper = 0.1f;
  c.input_noise = 0.5f;
  c.input_dropout = 0.2f;
  const auto noises = image_noises_of(c);
  REQUIRE(noises.size() == 3);
  CHECK(noises[0].kind == image_noise_kind::masking);
  CHECK(noises[1].kind == image_noise_kind::gaussian);
  CHECK(noises[1].level == 0.5f);
  CHECK(noises[2].kind == image_noise_kind::salt_pepper);
  CHECK(pixel_loss_of(c) == pixel_loss_kind::bce);
  c.goal = objective::squared_error;
  CHECK(pixel_loss_of(c) == pixel_loss_kind::mse);
}

TEST_CASE("image presets validate, and what an image autoencoder cannot take is refused",
          "[image_autoencoder][config]") {
  for (const preset_info& p : presets()) {
    CAPTURE(p.name);
    CHECK(trains_on_images(p.make()) == p.images);
    if (p.images) CHECK(meaning_of(p.make()) == image_meaning());
  }
  const auto refused = [](auto change, const char* why) {
    train_config c = preset("conv");
    change(c);
    const auto e = error_from([&] { validate(c); });
    REQUIRE(e);
    CHECK_THAT(e->what(), Catch::Contains(why));
  };
  refused([](train_config& c) { choose_optimizer(c, "lbfgs"); }, "lbfgs");
  refused([](train_config& c) { c.model.output_act = activation::identity; }, "sigmoid");
  refused([](train_config& c) { c.model.variational = true; }, "variational");
  refused([](train_config& c) { c.dropout = 0.2f; }, "dropout");
  refused([](train_config& c) { c.salt_pepper = 1.5f; }, "salt-and-pepper");
  train_config ratings = preset("seed");
  ratings.salt_pepper = 0.1f;
  CHECK_THAT(error_from([&] { validate(ratings); })->what(), Catch::Contains("for images"));
}

TEST_CASE("the rating trainer refuses an image configuration", "[image_autoencoder][config]") {
  auto b = make_cpu_backend();
  for (const char* name : {"conv", "dense-image"}) {
    CAPTURE(name);
    const train_config c = preset(name);
    autoencoder net(*b, stacked_layers(64, std::vector<int>{8}, activation::relu, activation::sigmoid));
    CHECK_THAT(error_from([&] { trainer t(net, c); })->what(), Catch::Contains("image trainer"));
  }
}
