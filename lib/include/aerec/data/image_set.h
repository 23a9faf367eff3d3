#pragma once
// Image data sets for convolutional autoencoders: MNIST's layout of four IDX
// files (data/idx.h), Fashion-MNIST from Debian's dataset-fashion-mnist
// package or any folder in that layout, pixels scaled to [0, 1].
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace aerec {

struct image_set {
  int count = 0, channels = 1, height = 0, width = 0;
  std::vector<float> pixels;         // count x (channels*height*width), scaled to [0, 1] (byte / 255)
  std::vector<std::uint8_t> labels;  // count

  int pixels_per_image() const { return channels * height * width; }
  std::span<const float> image(int i) const;
};

struct image_data {
  std::string name;                      // "fashion-mnist", or the folder as given
  image_set train, test;                 // the given parts
  std::vector<std::string> label_names;  // Fashion-MNIST's ten class names, else "0", "1", ...
};

// "fashion-mnist": Debian's dataset-fashion-mnist package in
// /usr/share/datasets/fashion-mnist/ (or $AEREC_FASHION_MNIST_DIR); anything
// else: a folder holding train-images-idx3-ubyte, train-labels-idx1-ubyte,
// t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, each plain or .gz.
// Throws error_code::io_error saying what is missing (and, for fashion-mnist,
// which package provides it), error_code::parse_error for unreadable files,
// images and labels of different counts, or train and test images of
// different sizes.
image_data load_image_data(const std::string& source);

// `fraction` (0 <= fraction < 1) of `set`'s images, drawn at random with
// `seed`, as a validation part; the rest stays for training. Both keep the
// images' order. Deterministic: the same seed draws the same images.
std::pair<image_set, image_set> split_validation(const image_set& set, double fraction,
                                                 std::uint64_t seed);  // {train, validation}

// The first `n` images (all of them when there are fewer), for quick runs and shipped samples.
image_set first_images(const image_set& set, int n);

}  // namespace aerec
