#pragma once
// An embedding layer (aerec/nn/layers/embedding.h). A batch's ids make a
// sparse one-hot matrix (one entry per non-padding step), so that the lookup
// is the backend's sparse product with the table and the table's gradient
// its transposed product: a scatter-add costing the steps' rows and one clear.
#include <cstdint>

#include "aerec/backend/device_array.h"
#include "aerec/nn/layers/embedding.h"
#include "nn/layers/whole_layer.h"

namespace aerec {

struct layer_kind_info;
extern const layer_kind_info embedding_layer_kind;

class embedding_layer final : public whole_layer {
 public:
  embedding_layer(backend& b, const layer_spec& spec);

  void initialize(init_scheme scheme, rng& random) override;
  // Throws error_code::invalid_argument for an id that is not an integer in
  // 0..vocabulary, naming its row, step and value.
  const_matrix_view forward(const layer_input& x) override;
  // Refuses want_input_grad: ids have no gradient.
  const_matrix_view backward(const layer_input& x, const_matrix_view d_output, float beta,
                             bool want_input_grad) override;
  std::vector<parameter> parameters() override;

 private:
  // The one-hot matrix of x's ids (steps of all rows x vocabulary) into ids_.
  void index(const_matrix_view x);

  int steps_, vocabulary_, dims_;
  bool with_rating_;
  device_array<float> weight_, weight_grad_;
  device_array<std::int32_t> offsets_, columns_;
  device_array<float> ones_;
  device_array<float> y_, e_;  // the output; with ratings, the embeddings alone (and their gradient)
  sparse_view ids_{0, 0, 0, nullptr, nullptr, nullptr};
  int rows_ = 0;
};

}  // namespace aerec
