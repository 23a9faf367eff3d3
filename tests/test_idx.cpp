// Image data: IDX files plain and gzip-compressed, every bad input an error
// naming the file, image sets in MNIST's folder layout and Fashion-MNIST's
// place, and validation parts drawn from them.
#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <vector>

#include "aerec/core/error.h"
#include "aerec/data/idx.h"
#include "aerec/data/image_set.h"
#include "expect_error.h"
#include "idx_files.h"
#include "scoped_env.h"
#include "temp_dir.h"

using namespace aerec;
using namespace aerec::testing;
using Catch::Matchers::Contains;

namespace {

// The parse_error that reading `bytes` as an IDX file gives; its message names the file.
std::string idx_error(const std::string& bytes) {
  temp_dir dir;
  const auto file = dir.write("bad-idx3-ubyte", bytes);
  const auto e = error_from([&] { read_idx(file); });
  REQUIRE(e);
  CHECK(code_name(*e) == "parse_error");
  CHECK_THAT(e->what(), Contains(file.string() + ": "));
  return e->what();
}

std::uint8_t pixel_byte(int image, int pixel) {
  return static_cast<std::uint8_t>((image * 7 + pixel * 13) % 256);
}

// `count` images of `height` x `width` (pixel_byte's values) and `labels` labels (image % 10).
std::pair<std::string, std::string> part_bytes(int count, int height, int width, int labels) {
  std::string pixels, label_bytes;
  for (int i = 0; i < count; ++i)
    for (int p = 0; p < height * width; ++p) pixels += static_cast<char>(pixel_byte(i, p));
  for (int i = 0; i < labels; ++i) label_bytes += static_cast<char>(i % 10);
  const auto u = [](int v) { return static_cast<std::uint32_t>(v); };
  return {idx_bytes(0x08, {u(count), u(height), u(width)}, pixels),
          idx_bytes(0x08, {u(labels)}, label_bytes)};
}

struct part_spec {
  int count = 5, height = 3, width = 4, labels = 5;
};

// A folder in MNIST's layout, its files gzip-compressed (and named .gz) or not.
void write_folder(const temp_dir& dir, bool gz, part_spec train = {}, part_spec test = {2, 3, 4, 2}) {
  const std::string suffix = gz ? ".gz" : "";
  for (const auto& [prefix, spec] : {std::pair{"train", train}, std::pair{"t10k", test}}) {
    const auto [images, labels] = part_bytes(spec.count, spec.height, spec.width, spec.labels);
    dir.write(std::string(prefix) + "-images-idx3-ubyte" + suffix, gz ? gzip(images) : images);
    dir.write(std::string(prefix) + "-labels-idx1-ubyte" + suffix, gz ? gzip(labels) : labels);
  }
}

void check_part(const image_set& s, int count) {
  REQUIRE(s.count == count);
  CHECK(s.channels == 1);
  CHECK(s.height == 3);
  CHECK(s.width == 4);
  REQUIRE(s.pixels.size() == static_cast<std::size_t>(count * 12));
  REQUIRE(s.labels.size() == static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    CHECK(s.labels[static_cast<std::size_t>(i)] == i % 10);
    for (int p = 0; p < 12; ++p) CHECK(s.image(i)[static_cast<std::size_t>(p)] == pixel_byte(i, p) / 255.0f);
  }
}

// `n` images of one pixel whose value tells the image's index.
image_set numbered(int n) {
  image_set s;
  s.count = n;
  s.height = s.width = 1;
  for (int i = 0; i < n; ++i) {
    s.pixels.push_back(static_cast<float>(i));
    s.labels.push_back(static_cast<std::uint8_t>(i % 10));
  }
  return s;
}

std::vector<int> indices(const image_set& s) { return {s.pixels.begin(), s.pixels.end()}; }

}  // namespace

TEST_CASE("IDX files read plain and gzip-compressed, told by their first bytes", "[idx]") {
  temp_dir dir;
  const std::string bytes = idx_counting({3, 2, 2});
  // Neither name says what the file is: a gzip file without .gz, a plain one with it.
  for (const auto& file : {dir.write("plain.gz", bytes), dir.write("compressed", gzip(bytes)),
                           dir.write("two-members", gzip(bytes.substr(0, 7)) + gzip(bytes.substr(7)))}) {
    const idx_array a = read_idx(file);
    CHECK(a.dims == std::vector<int>{3, 2, 2});
    REQUIRE(a.values.size() == 12);
    for (std::size_t i = 0; i < 12; ++i) CHECK(a.values[i] == i);
  }
}

TEST_CASE("a bad IDX file is an error naming the file and the reason", "[idx]") {
  const std::string good = idx_counting({4, 3});
  CHECK_THAT(idx_error(idx_bytes(0x08, {4, 3}, "").replace(0, 1, "\x01")), Contains("not an IDX file"));
  CHECK_THAT(idx_error("PK\x03\x04 a zip"), Contains("not an IDX file"));
  CHECK_THAT(idx_error(std::string("\0\0", 2)), Contains("truncated"));
  CHECK_THAT(idx_error(idx_bytes(0x0D, {4, 3}, std::string(48, '\0'))),
             Contains("32-bit float (0x0D) are not supported"));
  CHECK_THAT(idx_error(idx_bytes(0x42, {1}, "x")), Contains("unknown type 0x42"));
  CHECK_THAT(idx_error(idx_bytes(0x08, {}, "")), Contains("rank 0"));
  CHECK_THAT(idx_error(idx_bytes(0x08, {4, 3}, "").substr(0, 9)),
             Contains("truncated: its header of rank 2"));
  CHECK_THAT(idx_error(idx_bytes(0x08, {4, 0, 3}, "")), Contains("a dimension of 0 in 4 x 0 x 3"));
  CHECK_THAT(idx_error(idx_bytes(0x08, {60000, 0xFFFFFFFF, 28}, "")),
             Contains("absurd dimensions 60000 x 4294967295 x 28"));
  CHECK_THAT(idx_error(idx_bytes(0x08, {65536, 65536}, "")), Contains("absurd dimensions"));
  CHECK_THAT(idx_error(good.substr(0, good.size() - 1)),
             Contains("truncated: 11 of the 12 bytes of values that the dimensions 4 x 3 call for"));
  CHECK_THAT(idx_error(good + "xy"), Contains("2 trailing bytes after the 12 bytes"));
  // The same checks on what a gzip stream inflates to, and the stream's own.
  CHECK_THAT(idx_error(gzip(good + "x")), Contains("1 trailing bytes"));
  const std::string gz = gzip(good);
  CHECK_THAT(idx_error(gz.substr(0, gz.size() / 2)), Contains("truncated gzip stream"));
  CHECK_THAT(idx_error(gz.substr(0, 2)), Contains("truncated gzip stream"));
  std::string bad_crc = gz;
  bad_crc[bad_crc.size() - 8] ^= 0x55;  // the trailer's CRC-32
  CHECK_THAT(idx_error(bad_crc), Contains("corrupt gzip stream (zlib: incorrect data check)"));
  CHECK_THAT(idx_error(gz + "junk"), Contains("4 trailing bytes after the gzip stream"));
}

TEST_CASE("a missing IDX file is an io_error naming it", "[idx]") {
  temp_dir dir;
  const auto e = error_from([&] { read_idx(dir.path() / "nothing-idx1-ubyte"); });
  REQUIRE(e);
  CHECK(code_name(*e) == "io_error");
  CHECK_THAT(e->what(), Contains("nothing-idx1-ubyte"));
}

TEST_CASE("an image folder in MNIST's layout loads plain or gzip-compressed", "[idx]") {
  for (const bool gz : {false, true}) {
    temp_dir dir;
    write_folder(dir, gz);
    const image_data d = load_image_data(dir.path().string());
    CHECK(d.name == dir.path().string());
    check_part(d.train, 5);
    check_part(d.test, 2);
    CHECK(d.label_names == std::vector<std::string>{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"});
  }
}

TEST_CASE("image folders: what is missing or disagrees is an error saying so", "[idx]") {
  temp_dir dir;
  const auto load = [&] { load_image_data(dir.path().string()); };

  write_folder(dir, false, {5, 3, 4, 4});
  auto e = error_from(load);
  REQUIRE(e);
  CHECK(code_name(*e) == "parse_error");
  CHECK_THAT(e->what(), Contains("train-images-idx3-ubyte holds 5 images but ") &&
                            Contains("train-labels-idx1-ubyte 4 labels"));

  write_folder(dir, false, {}, {2, 4, 3, 2});
  e = error_from(load);
  REQUIRE(e);
  CHECK_THAT(e->what(), Contains("the training images are 3x4, the test images 4x3"));

  dir.write("t10k-images-idx3-ubyte", idx_counting({2, 12}));
  e = error_from(load);
  REQUIRE(e);
  CHECK_THAT(e->what(),
             Contains("t10k-images-idx3-ubyte: images are of rank 3 (count x height x width), not 2"));

  std::filesystem::remove(dir.path() / "t10k-labels-idx1-ubyte");
  e = error_from(load);
  REQUIRE(e);
  CHECK(code_name(*e) == "io_error");
  CHECK_THAT(e->what(), Contains("t10k-labels-idx1-ubyte(.gz): no such file"));

  e = error_from([&] { load_image_data((dir.path() / "elsewhere").string()); });
  REQUIRE(e);
  CHECK_THAT(e->what(), Contains("elsewhere: no such folder; an image set is \"fashion-mnist\" or a folder"));
}

TEST_CASE("fashion-mnist: the package's folder or AEREC_FASHION_MNIST_DIR, with the class names", "[idx]") {
  temp_dir dir;
  write_folder(dir, true);
  {
    const scoped_env env("AEREC_FASHION_MNIST_DIR", dir.path().c_str());
    const image_data d = load_image_data("fashion-mnist");
    CHECK(d.name == "fashion-mnist");
    check_part(d.train, 5);
    REQUIRE(d.label_names.size() == 10);
    CHECK(d.label_names.front() == "T-shirt/top");
    CHECK(d.label_names.back() == "Ankle boot");
  }
  const scoped_env env("AEREC_FASHION_MNIST_DIR", (dir.path() / "absent").c_str());
  const auto e = error_from([] { load_image_data("fashion-mnist"); });
  REQUIRE(e);
  CHECK(code_name(*e) == "io_error");
  CHECK_THAT(e->what(), Contains("absent: no such folder") &&
                            Contains("apt-get install dataset-fashion-mnist") &&
                            Contains("AEREC_FASHION_MNIST_DIR"));
}

TEST_CASE("split_validation: deterministic, disjoint and complete, in the images' order", "[idx]") {
  const image_set all = numbered(200);
  const auto [train, validation] = split_validation(all, 0.2, 7);
  CHECK(validation.count == 40);
  CHECK(train.count == 160);
  CHECK(train.labels.size() == 160);
  std::vector<int> both = indices(train);
  const std::vector<int> held = indices(validation);
  CHECK(std::is_sorted(both.begin(), both.end()));
  CHECK(std::is_sorted(held.begin(), held.end()));
  both.insert(both.end(), held.begin(), held.end());
  std::sort(both.begin(), both.end());
  CHECK(both == indices(all));
  for (const image_set* s : {&train, &validation})
    for (int i = 0; i < s->count; ++i)
      CHECK(s->labels[static_cast<std::size_t>(i)] == static_cast<int>(s->image(i)[0]) % 10);

  CHECK(indices(split_validation(all, 0.2, 7).second) == held);
  CHECK(indices(split_validation(all, 0.2, 8).second) != held);
  CHECK(split_validation(all, 0, 7).second.count == 0);
  CHECK(code_name(*error_from([&] { split_validation(all, 1, 7); })) == "invalid_argument");
}

TEST_CASE("first_images: the first n, or all there are", "[idx]") {
  const image_set all = numbered(10);
  CHECK(indices(first_images(all, 3)) == std::vector<int>{0, 1, 2});
  CHECK(first_images(all, 30).count == 10);
  CHECK(first_images(all, 0).pixels.empty());
}
