#pragma once
// The shape of one example's activations: what a layer takes and what it
// emits. A batch is `rows` examples of shape.size() floats each, row-major,
// so every shape travels in the same matrix views (a row per example): an
// image channel by channel, each channel row by row; a sequence step by step.
#include <array>
#include <cstdint>
#include <string>

namespace aerec {

// The numbers are stored in model files: never renumber.
enum class shape_kind : std::uint8_t { features = 1, image = 2, sequence = 3 };

class shape {
 public:
  shape() = default;
  static shape features(int n) { return {shape_kind::features, {n, 1, 1}}; }
  static shape image(int channels, int height, int width) {
    return {shape_kind::image, {channels, height, width}};
  }
  static shape sequence(int steps, int features) { return {shape_kind::sequence, {steps, features, 1}}; }

  shape_kind kind() const { return kind_; }
  // How many dimensions the kind has (features 1, sequence 2, image 3), and each.
  int rank() const;
  int dim(int i) const { return dims_[static_cast<std::size_t>(i)]; }
  // Floats per example; 0 when a dimension is not positive.
  int size() const;
  // "1682", "1x28x28 (channels x height x width)", "20x64 (steps x features)".
  std::string text() const;

  bool operator==(const shape&) const = default;

 private:
  shape(shape_kind kind, std::array<int, 3> dims) : kind_(kind), dims_(dims) {}

  shape_kind kind_ = shape_kind::features;
  std::array<int, 3> dims_{0, 1, 1};
};

}  // namespace aerec
