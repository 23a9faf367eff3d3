#include "nn/layers/lstm_feed_layer.h"

#include "aerec/backend/ops/sequence_ops.h"
#include "aerec/nn/layer_registry.h"
#include "aerec/nn/layers/lstm.h"

namespace aerec {

namespace {

int feed_of(const layer_spec& spec) { return spec.output.dim(0); }
int reads_of(const layer_spec& spec) { return spec.input.dim(0) - feed_of(spec); }
int hidden_of(const layer_spec& spec) { return spec.output.dim(1) - spec.input.dim(1); }

std::string lstm_feed_problem(const layer_spec& spec) {
  if (spec.input.kind() != shape_kind::sequence || spec.output.kind() != shape_kind::sequence)
    return "an lstm_feed layer takes and emits sequences";
  if (reads_of(spec) < 1)
    return "it must read at least one step before the " + spec.output.text() + " it feeds";
  if (hidden_of(spec) < 1) return "each output step holds the code and that step's input: it must be wider";
  if (spec.act != activation::identity) return "an lstm_feed layer has no activation";
  return {};
}

layer_spec lstm_of(const layer_spec& spec) {
  return lstm_spec(reads_of(spec), spec.input.dim(1), hidden_of(spec), true);
}

}  // namespace

layer_spec lstm_feed_spec(int reads, int feed, int inputs, int hidden) {
  return {std::string(lstm_feed_kind_name),
          shape::sequence(reads + feed, inputs),
          shape::sequence(feed, hidden + inputs),
          activation::identity,
          {}};
}

const layer_kind_info lstm_feed_layer_kind = {
    lstm_feed_kind_name,
    "an LSTM over all but the last steps; at each of those, its last state beside that step's input "
    "(a decoder's input under teacher forcing)",
    {},
    lstm_feed_problem,
    [](const layer_spec& spec) { return layer_kind(lstm_kind_name).parameters(lstm_of(spec)); },
    [](backend& b, const layer_spec& spec, weight_layout layout) -> std::unique_ptr<layer> {
      return std::make_unique<lstm_feed_layer>(b, spec, layout);
    },
    [](const layer_spec& spec) {
      return "LSTM over " + std::to_string(reads_of(spec)) + " steps, its last state fed beside the next " +
             std::to_string(feed_of(spec));
    },
};

lstm_feed_layer::lstm_feed_layer(backend& b, const layer_spec& spec, weight_layout layout)
    : whole_layer(b, spec, "sequences"),
      reads_(reads_of(spec)),
      feed_(feed_of(spec)),
      inputs_(spec.input.dim(1)),
      hidden_(hidden_of(spec)),
      lstm_(make_layer(b, lstm_of(spec), layout)) {}

const_matrix_view lstm_feed_layer::forward(const layer_input& x) {
  const const_matrix_view in = dense_input(x);
  rows_ = in.rows;
  sequence_ops& seq = ops<sequence_ops>(backend_);
  read_.reserve(backend_, floats(rows_, read_width()));
  const matrix_view read{read_.data(), rows_, read_width()};
  seq.copy_columns(in, 0, read, 0, read_width());
  layer_input encoder_input;
  encoder_input.dense = read;
  const const_matrix_view code = lstm_->forward(encoder_input);
  y_.reserve(backend_, floats(rows_, spec_.outputs()));
  const matrix_view y{y_.data(), rows_, spec_.outputs()};
  for (int s = 0; s < feed_; ++s) {
    seq.copy_columns(code, 0, y, s * out_step(), hidden_);
    seq.copy_columns(in, read_width() + s * inputs_, y, s * out_step() + hidden_, inputs_);
  }
  return y;
}

const_matrix_view lstm_feed_layer::backward(const layer_input&, const_matrix_view d_output, float beta,
                                            bool want_input_grad) {
  AEREC_ASSERT(d_output.rows == rows_ && d_output.cols == spec_.outputs());
  sequence_ops& seq = ops<sequence_ops>(backend_);
  d_codes_.reserve(backend_, floats(rows_, feed_ * hidden_));
  const matrix_view d_codes{d_codes_.data(), rows_, feed_ * hidden_};
  for (int s = 0; s < feed_; ++s) seq.copy_columns(d_output, s * out_step(), d_codes, s * hidden_, hidden_);
  d_code_.reserve(backend_, floats(rows_, hidden_));
  const matrix_view d_code{d_code_.data(), rows_, hidden_};
  seq.sum_steps(d_codes, d_code);
  layer_input encoder_input;
  encoder_input.dense = {read_.data(), rows_, read_width()};
  const const_matrix_view d_read = lstm_->backward(encoder_input, d_code, beta, want_input_grad);
  if (!want_input_grad) return {nullptr, 0, 0};
  dx_.reserve(backend_, floats(rows_, spec_.inputs()));
  const matrix_view dx{dx_.data(), rows_, spec_.inputs()};
  seq.copy_columns(d_read, 0, dx, 0, read_width());
  for (int s = 0; s < feed_; ++s)
    seq.copy_columns(d_output, s * out_step() + hidden_, dx, read_width() + s * inputs_, inputs_);
  return dx;
}

}  // namespace aerec
