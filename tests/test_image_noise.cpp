// Image noise for denoising autoencoders: each kind's statistics on a large
// image, pixels kept in [0, 1], level 0 a no-op, bad levels and names refused.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <vector>

#include "aerec/core/error.h"
#include "aerec/data/image_noise.h"
#include "expect_error.h"

using namespace aerec;
using namespace aerec::testing;
using Catch::Matchers::Contains;

namespace {

constexpr int pixels = 200000;

// `level` noise of `kind` on a flat grey image of 0.5 (far from the clip for small gaussian levels).
std::vector<float> noisy_grey(image_noise_kind kind, float level, std::uint64_t seed = 1) {
  std::vector<float> image(pixels, 0.5f);
  rng random(seed);
  add_noise(image, {kind, level}, random);
  return image;
}

double share_of(const std::vector<float>& image, float value) {
  return static_cast<double>(std::count(image.begin(), image.end(), value)) /
         static_cast<double>(image.size());
}

// Within four standard errors of a share `p` of the pixels.
void check_share(double share, double p) { CHECK(std::abs(share - p) < 4 * std::sqrt(p * (1 - p) / pixels)); }

}  // namespace

TEST_CASE("gaussian noise: mean unchanged, standard deviation the level", "[noise]") {
  const std::vector<float> image = noisy_grey(image_noise_kind::gaussian, 0.1f);
  double sum = 0, squares = 0;
  for (const float x : image) {
    sum += x;
    squares += (x - 0.5) * (x - 0.5);
  }
  const double mean = sum / pixels, deviation = std::sqrt(squares / pixels);
  CHECK(std::abs(mean - 0.5) < 4 * 0.1 / std::sqrt(pixels));
  CHECK(deviation == Approx(0.1).epsilon(0.01));
  // Drawn in blocks of 16 (eight angles' cosines, then their sines), yet
  // uncorrelated within a block, between an angle's cosine and sine and between blocks.
  for (const std::size_t lag : {1, 2, 8, 16}) {
    double product = 0;
    for (std::size_t i = 0; i + lag < image.size(); ++i) product += (image[i] - 0.5) * (image[i + lag] - 0.5);
    CHECK(std::abs(product / static_cast<double>(image.size() - lag) / (0.1 * 0.1)) < 4 / std::sqrt(pixels));
  }
  // Normal tails: beyond 2 standard deviations 4.55% of the pixels, beyond 3 0.27%.
  for (const auto& [sigmas, share] : {std::pair{2.0, 0.0455}, std::pair{3.0, 0.0027}}) {
    const double beyond =
        static_cast<double>(std::count_if(image.begin(), image.end(),
                                          [&](float x) { return std::abs(x - 0.5) > sigmas * 0.1; })) /
        pixels;
    check_share(beyond, share);
  }
  // Fewer pixels than a block of 16 (an odd count) each still get noise.
  std::vector<float> three(3, 0.5f);
  rng random(5);
  add_noise(three, {image_noise_kind::gaussian, 0.1f}, random);
  for (const float x : three) CHECK(x != 0.5f);
  CHECK(noisy_grey(image_noise_kind::gaussian, 0.1f, 2) != image);
  CHECK(noisy_grey(image_noise_kind::gaussian, 0.1f, 1) == image);
}

TEST_CASE("salt-and-pepper noise: a share `level` of the pixels, half 0 and half 1", "[noise]") {
  const std::vector<float> image = noisy_grey(image_noise_kind::salt_pepper, 0.3f);
  check_share(share_of(image, 0), 0.15);
  check_share(share_of(image, 1), 0.15);
  CHECK(share_of(image, 0) + share_of(image, 1) + share_of(image, 0.5f) == Approx(1));
  CHECK(share_of(noisy_grey(image_noise_kind::salt_pepper, 1), 0.5f) == 0);
}

TEST_CASE("masking noise: a share `level` of the pixels set to 0", "[noise]") {
  const std::vector<float> image = noisy_grey(image_noise_kind::masking, 0.25f);
  check_share(share_of(image, 0), 0.25);
  CHECK(share_of(image, 0) + share_of(image, 0.5f) == Approx(1));
  CHECK(share_of(noisy_grey(image_noise_kind::masking, 1), 0) == 1);
}

TEST_CASE("noise keeps pixels in [0, 1], and level 0 or kind none changes and draws nothing", "[noise]") {
  std::vector<float> image(pixels);
  for (int i = 0; i < pixels; ++i) image[static_cast<std::size_t>(i)] = static_cast<float>(i % 256) / 255.0f;
  const std::vector<float> clean = image;
  for (const image_noise_kind kind : {image_noise_kind::gaussian, image_noise_kind::salt_pepper,
                                      image_noise_kind::masking, image_noise_kind::none}) {
    rng random(3);
    std::vector<float> noisy = image;
    add_noise(noisy, {kind, 0}, random);
    CHECK(noisy == clean);
    CHECK(random.state() == rng(3).state());
    add_noise(noisy, {kind, kind == image_noise_kind::gaussian ? 2.0f : 0.5f}, random);
    CHECK(*std::min_element(noisy.begin(), noisy.end()) >= 0);
    CHECK(*std::max_element(noisy.begin(), noisy.end()) <= 1);
  }
}

TEST_CASE("noise levels: probabilities in [0, 1], a gaussian's finite and non-negative", "[noise]") {
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  const std::vector<image_noise> bad = {
      {image_noise_kind::salt_pepper, 1.5f}, {image_noise_kind::masking, -0.1f},
      {image_noise_kind::masking, nan},      {image_noise_kind::gaussian, -1},
      {image_noise_kind::gaussian, inf},     {image_noise_kind::none, nan}};
  for (const image_noise& n : bad) {
    std::vector<float> image(4, 0.5f);
    rng random(1);
    const auto e = error_from([&] { add_noise(image, n, random); });
    REQUIRE(e);
    CHECK(code_name(*e) == "invalid_argument");
    CHECK_THAT(e->what(), Contains(image_noise_name(n.kind)) && Contains("the level must be"));
  }
  CHECK_THAT(error_from([] {
               std::vector<float> image(4);
               rng random(1);
               add_noise(image, {image_noise_kind::masking, 2}, random);
             })->what(),
             Contains("masking noise of level 2: the level must be between 0 and 1"));
}

TEST_CASE("noise kinds by name", "[noise]") {
  for (const image_noise_kind k : {image_noise_kind::none, image_noise_kind::gaussian,
                                   image_noise_kind::salt_pepper, image_noise_kind::masking})
    CHECK(parse_image_noise(image_noise_name(k)) == k);
  CHECK(std::string(image_noise_name(image_noise_kind::salt_pepper)) == "salt-pepper");
  const auto e = error_from([] { parse_image_noise("speckle"); });
  REQUIRE(e);
  CHECK(code_name(*e) == "invalid_argument");
  CHECK_THAT(e->what(), Contains("'speckle'") && Contains("none, gaussian, salt-pepper, masking"));
}
