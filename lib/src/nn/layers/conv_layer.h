#pragma once
// Convolution layers (aerec/nn/layers/conv2d.h, conv_transpose2d.h): one
// class for both kinds, since each one's forward is the other's input
// gradient. Both hold a kernel matrix K (weight) of `channels` rows x
// geometry.patch() columns, where the geometry is that of the image side
// (conv2d's input, conv_transpose2d's output) and `channels` those of the
// position side (conv2d's output, conv_transpose2d's input). A chunk of the
// batch's images goes through as patches (im2col of the image side, patch x
// images * positions) and the position side as channel-major columns
// (channels x images * positions), which meet in one GEMM per direction:
// columns = K patches, patches = K^T columns. The chunk is as many images as
// keep the patches in cache: a whole batch's run to tens of MB, and every step
// over them is then memory-bound. A stride-1 conv2d skips the patches
// (direct_, below).
#include "aerec/backend/device_array.h"
#include "aerec/backend/ops/conv_ops.h"
#include "aerec/nn/layer.h"

namespace aerec {

struct layer_kind_info;
extern const layer_kind_info conv2d_layer_kind;
extern const layer_kind_info conv_transpose2d_layer_kind;

class conv_layer final : public layer {
 public:
  conv_layer(backend& b, const layer_spec& spec, bool transposed);

  layer_spec spec() const override { return spec_; }
  // PyTorch's default (uniform in +-1/sqrt(fan_in)) or Glorot uniform with a
  // zero bias, the fans as PyTorch counts them for its weight's layout.
  void initialize(init_scheme scheme, rng& random) override;
  const_matrix_view forward(const layer_input& x) override;
  const_matrix_view backward(const layer_input& x, const_matrix_view d_output, float beta,
                             bool want_input_grad) override;
  std::vector<parameter> parameters() override;
  // Outputs at rated entries mean nothing for images: both refuse.
  const float* forward_at(const layer_input& x, const sparse_view& pattern) override;
  const_matrix_view backward_at(const layer_input& x, const sparse_view& pattern, const float* d_values,
                                float beta, bool want_input_grad) override;

 private:
  const_matrix_view dense_input(const layer_input& x) const;
  void reserve(int rows);
  matrix_view batch(device_array<float>& a, const shape& s) { return {a.data(), rows_, s.size()}; }
  // Calls f(first) for each chunk of the batch, images_ set to its size.
  template <class F>
  void each_chunk(F&& f);
  matrix_view patches() { return {patches_.data(), geometry_.patch(), images_ * geometry_.positions()}; }
  matrix_view columns() { return {columns_.data(), channels_, images_ * geometry_.positions()}; }
  matrix_view kernel(device_array<float>& a) { return {a.data(), channels_, geometry_.patch()}; }

  // The steps both kinds compose, each in one direction.
  void patches_from(const_matrix_view image);
  void patches_to(const float* bias, matrix_view image);  // the image starts at its bias, or 0
  void columns_from(const_matrix_view rows);
  void columns_to(matrix_view rows);
  void correlate(float beta);  // columns = K patches + beta columns
  void spread();               // patches = K^T columns
  void kernel_grad(float beta);

  backend& backend_;
  conv_ops& ops_;
  layer_spec spec_;
  bool transposed_;
  conv_geometry geometry_;  // the image side's
  int channels_;            // the position side's
  device_array<float> weight_, bias_, weight_grad_, bias_grad_;
  // Batch workspaces; z_ and dz_ (before the activation) on the patches' path only.
  device_array<float> patches_, columns_, z_, y_, dz_, dx_;
  int rows_ = 0;
  int chunk_;  // images per chunk
  // A stride-1 conv2d goes through conv_ops' direct convolutions instead:
  // on a small autoencoder's few channels, 2 to 5 times faster than patches.
  bool direct_;
  int images_ = 0;  // in the chunk at hand
};

}  // namespace aerec
