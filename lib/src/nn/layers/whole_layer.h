#pragma once
// What the layers that compute whole examples (the image layers without
// parameters, and the sequence layers: embedding, lstm, repeat, step_dense)
// share: dense inputs only and no rated-entry path (internal).
#include <string>

#include "aerec/nn/layer.h"

namespace aerec {

// rows x cols floats, as a size.
inline std::size_t floats(int rows, int cols) {
  return static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols);
}

class whole_layer : public layer {
 public:
  layer_spec spec() const final { return spec_; }
  // Refused: a rating model's rated-entry path needs single outputs, and
  // these layers compute whole images or sequences.
  const float* forward_at(const layer_input& x, const sparse_view& pattern) final;
  const_matrix_view backward_at(const layer_input& x, const sparse_view& pattern, const float* d_values,
                                float beta, bool want_input_grad) final;

 protected:
  // `examples` names what it computes whole, for errors: "images", "sequences".
  whole_layer(backend& b, const layer_spec& spec, const char* examples)
      : backend_(b), spec_(spec), examples_(examples) {}
  // x's dense batch; throws error_code::invalid_argument for a sparse one.
  const_matrix_view dense_input(const layer_input& x) const;

  backend& backend_;
  layer_spec spec_;

 private:
  [[noreturn]] void refuse_single_outputs() const;
  const char* examples_;
};

}  // namespace aerec
