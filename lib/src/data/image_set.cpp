#include "aerec/data/image_set.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <numeric>

#include "aerec/core/error.h"
#include "aerec/core/rng.h"
#include "aerec/data/idx.h"

namespace aerec {

namespace fs = std::filesystem;

namespace {

constexpr const char* fashion_mnist = "fashion-mnist";
constexpr const char* fashion_mnist_home = "/usr/share/datasets/fashion-mnist";

// Zalando's names for Fashion-MNIST's labels 0..9.
const std::vector<std::string> fashion_mnist_labels = {
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"};

// The folder `source` names, and what to add when something in it is missing.
std::pair<fs::path, std::string> locate(const std::string& source) {
  if (source != fashion_mnist)
    return {source, "; an image set is \"fashion-mnist\" or a folder of MNIST's four IDX files"};
  const char* env = std::getenv("AEREC_FASHION_MNIST_DIR");
  const bool moved = env && *env;
  return {moved ? fs::path(env) : fs::path(fashion_mnist_home),
          std::string(
              "; `apt-get install dataset-fashion-mnist` (or scripts/install-deps) provides Fashion-MNIST") +
              (moved ? " (AEREC_FASHION_MNIST_DIR names this folder)" : "")};
}

// `name` in `folder`, plain or gzip-compressed.
fs::path find_part(const fs::path& folder, const std::string& name, const std::string& hint) {
  for (const fs::path& p : {folder / name, folder / (name + ".gz")})
    if (fs::exists(p)) return p;
  throw error(error_code::io_error, (folder / name).string() + "(.gz): no such file" + hint);
}

image_set read_part(const fs::path& folder, const std::string& part, const std::string& hint) {
  const fs::path image_file = find_part(folder, part + "-images-idx3-ubyte", hint);
  const fs::path label_file = find_part(folder, part + "-labels-idx1-ubyte", hint);
  const idx_array images = read_idx(image_file);
  if (images.dims.size() != 3)
    throw error(error_code::parse_error, image_file.string() +
                                             ": images are of rank 3 (count x height x width), not " +
                                             std::to_string(images.dims.size()));
  idx_array labels = read_idx(label_file);
  if (labels.dims.size() != 1)
    throw error(error_code::parse_error, label_file.string() + ": labels are of rank 1 (count), not " +
                                             std::to_string(labels.dims.size()));
  if (labels.dims[0] != images.dims[0])
    throw error(error_code::parse_error, image_file.string() + " holds " + std::to_string(images.dims[0]) +
                                             " images but " + label_file.string() + " " +
                                             std::to_string(labels.dims[0]) + " labels");
  image_set s;
  s.count = images.dims[0];
  s.height = images.dims[1];
  s.width = images.dims[2];
  s.pixels.reserve(images.values.size());
  for (const std::uint8_t v : images.values) s.pixels.push_back(static_cast<float>(v) / 255.0f);
  s.labels = std::move(labels.values);
  return s;
}

std::vector<std::string> digit_names(const image_data& d) {
  // Ten digits, or as many as the highest label needs.
  int classes = 10;
  for (const image_set* s : {&d.train, &d.test})
    for (const std::uint8_t label : s->labels) classes = std::max(classes, label + 1);
  std::vector<std::string> names;
  for (int i = 0; i < classes; ++i) names.push_back(std::to_string(i));
  return names;
}

// Fashion-MNIST's names cover labels 0..9 only.
void check_labels(const image_data& d, const fs::path& folder) {
  for (const image_set* s : {&d.train, &d.test})
    for (const std::uint8_t label : s->labels)
      if (label >= d.label_names.size())
        throw error(error_code::parse_error, folder.string() + ": label " + std::to_string(label) +
                                                 " is past the " + std::to_string(d.label_names.size()) +
                                                 " classes");
}

image_set subset(const image_set& set, const std::vector<int>& indices) {
  image_set s;
  s.count = static_cast<int>(indices.size());
  s.channels = set.channels;
  s.height = set.height;
  s.width = set.width;
  for (const int i : indices) {
    const std::span<const float> image = set.image(i);
    s.pixels.insert(s.pixels.end(), image.begin(), image.end());
    s.labels.push_back(set.labels[static_cast<std::size_t>(i)]);
  }
  return s;
}

}  // namespace

std::span<const float> image_set::image(int i) const {
  AEREC_ASSERT(i >= 0 && i < count);
  const auto n = static_cast<std::size_t>(pixels_per_image());
  return std::span<const float>(pixels).subspan(static_cast<std::size_t>(i) * n, n);
}

image_data load_image_data(const std::string& source) {
  const auto [folder, hint] = locate(source);
  if (!fs::is_directory(folder))
    throw error(error_code::io_error, folder.string() + ": no such folder" + hint);
  image_data d;
  d.name = source;
  d.train = read_part(folder, "train", hint);
  d.test = read_part(folder, "t10k", hint);
  if (d.train.height != d.test.height || d.train.width != d.test.width)
    throw error(error_code::parse_error,
                folder.string() + ": the training images are " + std::to_string(d.train.height) + "x" +
                    std::to_string(d.train.width) + ", the test images " + std::to_string(d.test.height) +
                    "x" + std::to_string(d.test.width));
  d.label_names = source == fashion_mnist ? fashion_mnist_labels : digit_names(d);
  check_labels(d, folder);
  return d;
}

std::pair<image_set, image_set> split_validation(const image_set& set, double fraction, std::uint64_t seed) {
  if (!(fraction >= 0 && fraction < 1))
    throw error(error_code::invalid_argument, "the validation fraction must be at least 0 and below 1");
  auto wanted = static_cast<std::size_t>(std::llround(fraction * set.count));
  // Knuth's selection sampling (algorithm S): exactly `wanted` images, in order, in one pass.
  rng random(seed);
  std::vector<int> train, validation;
  for (int i = 0; i < set.count; ++i) {
    const bool chosen = random.below(static_cast<std::uint32_t>(set.count - i)) < wanted;
    (chosen ? validation : train).push_back(i);
    if (chosen) --wanted;
  }
  return {subset(set, train), subset(set, validation)};
}

image_set first_images(const image_set& set, int n) {
  if (n < 0) throw error(error_code::invalid_argument, "first_images: a negative count");
  std::vector<int> indices(static_cast<std::size_t>(std::min(n, set.count)));
  std::iota(indices.begin(), indices.end(), 0);
  return subset(set, indices);
}

}  // namespace aerec
