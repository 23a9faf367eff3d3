// The real Fashion-MNIST from Debian's dataset-fashion-mnist package, when it
// is installed (else skipped, saying why): its published shape and ranges.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>

#include "aerec/data/image_set.h"

using namespace aerec;

TEST_CASE("Fashion-MNIST: 60,000 training and 10,000 test images of 1x28x28", "[idx][fashion-mnist]") {
  const char* env = std::getenv("AEREC_FASHION_MNIST_DIR");
  const std::filesystem::path folder = env && *env ? env : "/usr/share/datasets/fashion-mnist";
  if (!std::filesystem::is_directory(folder)) {
    WARN("SKIPPED: " << folder.string() << " is absent (apt-get install dataset-fashion-mnist)");
    return;
  }
  const image_data d = load_image_data("fashion-mnist");
  CHECK(d.train.count == 60000);
  CHECK(d.test.count == 10000);
  CHECK(d.label_names.size() == 10);
  for (const image_set* s : {&d.train, &d.test}) {
    CHECK(s->channels == 1);
    CHECK(s->height == 28);
    CHECK(s->width == 28);
    CHECK(s->pixels.size() == static_cast<std::size_t>(s->count) * 784);
    const auto [lo, hi] = std::minmax_element(s->pixels.begin(), s->pixels.end());
    CHECK(*lo == 0);
    CHECK(*hi == 1);
    const auto [first, last] = std::minmax_element(s->labels.begin(), s->labels.end());
    CHECK(*first == 0);
    CHECK(*last == 9);
    // Balanced: each class a tenth of the images.
    CHECK(std::count(s->labels.begin(), s->labels.end(), 3) == s->count / 10);
  }
}
