#include "nn/layers/lstm_layer.h"

#include "aerec/backend/ops/elementwise_ops.h"
#include "aerec/backend/ops/lstm_ops.h"
#include "aerec/backend/ops/sequence_ops.h"
#include "aerec/nn/layer_registry.h"

namespace aerec {

namespace {

bool last_only(const layer_spec& spec) { return spec.output.kind() == shape_kind::features; }
int hidden_of(const layer_spec& spec) { return spec.output.dim(last_only(spec) ? 0 : 1); }

std::string lstm_problem(const layer_spec& spec) {
  if (spec.input.kind() != shape_kind::sequence) return "an lstm layer takes sequences";
  if (spec.output.kind() == shape_kind::image) return "an lstm layer emits a sequence or its last state";
  if (!last_only(spec) && spec.output.dim(0) != spec.input.dim(0))
    return "its output " + spec.output.text() + " must have as many steps as its input " + spec.input.text();
  if (spec.act != activation::identity) return "an lstm layer has no activation";
  return {};
}

std::vector<parameter_shape> lstm_parameters(const layer_spec& spec) {
  const auto gates = 4 * static_cast<std::size_t>(hidden_of(spec));
  return {{"weight_input", gates, static_cast<std::size_t>(spec.input.dim(1))},
          {"weight_hidden", gates, static_cast<std::size_t>(hidden_of(spec))},
          {"bias", 1, gates}};
}

}  // namespace

layer_spec lstm_spec(int steps, int inputs, int hidden, bool last) {
  return {std::string(lstm_kind_name),
          shape::sequence(steps, inputs),
          last ? shape::features(hidden) : shape::sequence(steps, hidden),
          activation::identity,
          {}};
}

const layer_kind_info lstm_layer_kind = {
    lstm_kind_name,
    "a long short-term memory over the steps, as PyTorch's nn.LSTM: every step's h, or the last one's",
    {},
    lstm_problem,
    lstm_parameters,
    [](backend& b, const layer_spec& spec, weight_layout) -> std::unique_ptr<layer> {
      return std::make_unique<lstm_layer>(b, spec);
    },
    [](const layer_spec& spec) {
      return last_only(spec) ? std::string("LSTM, its last state") : std::string("LSTM, every step's state");
    },
};

lstm_layer::lstm_layer(backend& b, const layer_spec& spec)
    : whole_layer(b, spec, "sequences"),
      steps_(spec.input.dim(0)),
      inputs_(spec.input.dim(1)),
      hidden_(hidden_of(spec)),
      last_only_(last_only(spec)),
      weight_input_(b, floats(4 * hidden_, inputs_)),
      weight_hidden_(b, floats(4 * hidden_, hidden_)),
      bias_(b, floats(4, hidden_)),
      weight_input_grad_(b, floats(4 * hidden_, inputs_)),
      weight_hidden_grad_(b, floats(4 * hidden_, hidden_)),
      bias_grad_(b, floats(4, hidden_)) {
  for (const parameter& p : parameters()) {
    b.fill(p.value, p.size, 0);
    b.fill(p.grad, p.size, 0);
  }
}

void lstm_layer::initialize(init_scheme scheme, rng& random) {
  // PyTorch draws every weight and both biases uniform in +-1/sqrt(hidden);
  // the one bias here is bias_ih + bias_hh, so it is two such draws summed.
  // Xavier: each weight matrix's own fans (inputs or hidden in, 4 hidden out).
  const auto gates = static_cast<float>(4 * hidden_), h = static_cast<float>(hidden_);
  const bool pytorch = scheme == init_scheme::pytorch;
  const initial_values in = draw_initial_values(scheme, pytorch ? h : static_cast<float>(inputs_), gates,
                                                weight_input_.capacity(), bias_.capacity(), random);
  const initial_values hid =
      draw_initial_values(scheme, h, gates, weight_hidden_.capacity(), bias_.capacity(), random);
  std::vector<float> bias(in.biases);
  for (std::size_t i = 0; i < bias.size(); ++i) bias[i] += hid.biases[i];
  weight_input_.upload(in.weights);
  weight_hidden_.upload(hid.weights);
  bias_.upload(bias);
}

void lstm_layer::reserve(int rows) {
  rows_ = rows;
  const int n = steps_ * rows;
  x_.reserve(backend_, floats(n, inputs_));
  gates_.reserve(backend_, floats(n, 4 * hidden_));
  c_.reserve(backend_, floats(n, hidden_));
  h_.reserve(backend_, floats(n, hidden_));
}

const_matrix_view lstm_layer::forward(const layer_input& x) {
  const const_matrix_view in = dense_input(x);
  reserve(in.rows);
  const int n = steps_ * rows_, gate_cols = 4 * hidden_;
  sequence_ops& seq = ops<sequence_ops>(backend_);
  seq.swap_blocks(in, inputs_, {x_.data(), steps_, rows_ * inputs_});
  // Every step's input product at once; the bias with it.
  const matrix_view z{gates_.data(), n, gate_cols};
  backend_.gemm(false, true, 1, {x_.data(), n, inputs_}, {weight_input_.data(), gate_cols, inputs_}, 0, z);
  ops<elementwise_ops>(backend_).add_row_vector(z, bias_.data());
  for (int t = 0; t < steps_; ++t) {
    const matrix_view gates = at_step(gates_, t, gate_cols);
    if (t > 0)
      backend_.gemm(false, true, 1, at_step(h_, t - 1, hidden_), {weight_hidden_.data(), gate_cols, hidden_},
                    1, gates);
    ops<lstm_ops>(backend_).lstm_forward(gates, t > 0 ? at_step(c_, t - 1, hidden_).data : nullptr,
                                         at_step(c_, t, hidden_), at_step(h_, t, hidden_));
  }
  if (last_only_) return at_step(h_, steps_ - 1, hidden_);
  y_.reserve(backend_, floats(rows_, spec_.outputs()));
  const matrix_view y{y_.data(), rows_, spec_.outputs()};
  seq.swap_blocks({h_.data(), steps_, rows_ * hidden_}, hidden_, y);
  return y;
}

const_matrix_view lstm_layer::backward(const layer_input&, const_matrix_view d_output, float beta,
                                       bool want_input_grad) {
  AEREC_ASSERT(d_output.rows == rows_ && d_output.cols == spec_.outputs());
  const int n = steps_ * rows_, gate_cols = 4 * hidden_;
  sequence_ops& seq = ops<sequence_ops>(backend_);
  dh_.reserve(backend_, floats(n, hidden_));
  dz_.reserve(backend_, floats(n, gate_cols));
  dc_.reserve(backend_, floats(rows_, hidden_));
  backend_.fill(dc_.data(), floats(rows_, hidden_), 0);
  // dL/dh_t: the output's gradient at step t (a last-only layer's only at the
  // last step), plus what step t + 1's gates send back through W_hh.
  if (!last_only_) seq.swap_blocks(d_output, hidden_, {dh_.data(), steps_, rows_ * hidden_});
  for (int t = steps_ - 1; t >= 0; --t) {
    const matrix_view dh = at_step(dh_, t, hidden_);
    if (t < steps_ - 1)
      backend_.gemm(false, false, 1, at_step(dz_, t + 1, gate_cols),
                    {weight_hidden_.data(), gate_cols, hidden_}, last_only_ ? 0.0f : 1.0f, dh);
    const bool given = last_only_ && t == steps_ - 1;
    ops<lstm_ops>(backend_).lstm_backward(at_step(gates_, t, gate_cols),
                                          t > 0 ? at_step(c_, t - 1, hidden_).data : nullptr,
                                          at_step(c_, t, hidden_), given ? d_output : dh,
                                          {dc_.data(), rows_, hidden_}, at_step(dz_, t, gate_cols));
  }
  const const_matrix_view dz{dz_.data(), n, gate_cols}, xt{x_.data(), n, inputs_};
  backend_.gemm(true, false, 1, dz, xt, beta, {weight_input_grad_.data(), gate_cols, inputs_});
  hidden_weight_grad(beta);
  ops<elementwise_ops>(backend_).column_sums(dz, beta, bias_grad_.data());
  if (!want_input_grad) return {nullptr, 0, 0};
  dxt_.reserve(backend_, floats(n, inputs_));
  backend_.gemm(false, false, 1, dz, {weight_input_.data(), gate_cols, inputs_}, 0,
                {dxt_.data(), n, inputs_});
  dx_.reserve(backend_, floats(rows_, spec_.inputs()));
  const matrix_view dx{dx_.data(), rows_, spec_.inputs()};
  seq.swap_blocks({dxt_.data(), steps_, rows_ * inputs_}, inputs_, dx);
  return dx;
}

void lstm_layer::hidden_weight_grad(float beta) {
  const matrix_view grad{weight_hidden_grad_.data(), 4 * hidden_, hidden_};
  if (steps_ > 1) {
    const int n = (steps_ - 1) * rows_;
    backend_.gemm(true, false, 1, {at_step(dz_, 1, 4 * hidden_).data, n, 4 * hidden_},
                  {h_.data(), n, hidden_}, beta, grad);
  } else if (beta == 0) {
    backend_.fill(grad.data, floats(grad.rows, grad.cols), 0);  // one step: h_{-1} = 0 trains nothing
  } else {
    backend_.scal(grad.rows * grad.cols, beta, grad.data);
  }
}

std::vector<parameter> lstm_layer::parameters() {
  return {{"weight_input", weight_input_.data(), weight_input_grad_.data(), weight_input_.capacity()},
          {"weight_hidden", weight_hidden_.data(), weight_hidden_grad_.data(), weight_hidden_.capacity()},
          {"bias", bias_.data(), bias_grad_.data(), bias_.capacity()}};
}

}  // namespace aerec
