#pragma once
// An LSTM encoder whose code goes beside the fed steps
// (aerec/nn/layers/lstm_feed.h): an lstm layer (its last state) over the
// read steps, and copies of columns around it.
#include <memory>

#include "aerec/backend/device_array.h"
#include "aerec/nn/layers/lstm_feed.h"
#include "nn/layers/whole_layer.h"

namespace aerec {

struct layer_kind_info;
extern const layer_kind_info lstm_feed_layer_kind;

class lstm_feed_layer final : public whole_layer {
 public:
  lstm_feed_layer(backend& b, const layer_spec& spec, weight_layout layout);

  void initialize(init_scheme scheme, rng& random) override { lstm_->initialize(scheme, random); }
  std::vector<parameter> parameters() override { return lstm_->parameters(); }
  const_matrix_view forward(const layer_input& x) override;
  const_matrix_view backward(const layer_input& x, const_matrix_view d_output, float beta,
                             bool want_input_grad) override;

 private:
  int read_width() const { return reads_ * inputs_; }
  int out_step() const { return hidden_ + inputs_; }

  int reads_, feed_, inputs_, hidden_;
  std::unique_ptr<layer> lstm_;
  // The read steps of a batch; the output; the code's gradient at every fed
  // step and summed; the input's gradient.
  device_array<float> read_, y_, d_codes_, d_code_, dx_;
  int rows_ = 0;
};

}  // namespace aerec
