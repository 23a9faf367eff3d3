#include "nn/layers/embedding_layer.h"

#include <cmath>

#include "aerec/backend/ops/sequence_ops.h"
#include "aerec/core/error.h"
#include "aerec/nn/layer_registry.h"

namespace aerec {

namespace {

constexpr std::string_view vocabulary = "vocabulary";
constexpr std::string_view with_rating = "with_rating";

bool rated(const layer_spec& spec) { return spec.attribute(with_rating) != 0; }
int dims_of(const layer_spec& spec) { return spec.output.dim(1) - (rated(spec) ? 1 : 0); }

std::string embedding_problem(const layer_spec& spec) {
  if (spec.input.kind() != shape_kind::sequence || spec.output.kind() != shape_kind::sequence)
    return "an embedding layer takes and emits sequences";
  if (spec.output.dim(0) != spec.input.dim(0))
    return "its output " + spec.output.text() + " must have as many steps as its input " + spec.input.text();
  const int width = rated(spec) ? 2 : 1;
  if (spec.input.dim(1) != width)
    return "its input must have " + std::to_string(width) + " feature(s) a step (an id" +
           (rated(spec) ? " and a rating" : "") + "), not " + std::to_string(spec.input.dim(1));
  if (dims_of(spec) < 1) return "its output must have at least one embedding dimension";
  if (spec.act != activation::identity) return "an embedding layer has no activation";
  return {};
}

std::vector<parameter_shape> embedding_parameters(const layer_spec& spec) {
  return {{"weight", static_cast<std::size_t>(spec.attribute(vocabulary)),
           static_cast<std::size_t>(dims_of(spec))}};
}

}  // namespace

layer_spec embedding_spec(int steps, int vocab, int dims, bool rating) {
  return {std::string(embedding_kind_name),
          shape::sequence(steps, rating ? 2 : 1),
          shape::sequence(steps, dims + (rating ? 1 : 0)),
          activation::identity,
          {{std::string(vocabulary), vocab}, {std::string(with_rating), rating ? 1 : 0}}};
}

const layer_kind_info embedding_layer_kind = {
    embedding_kind_name,
    "each step's id (index + 1; 0 pads) as its learnt vector, its rating after it when given",
    {{vocabulary, "how many ids the table holds", 1, std::int64_t{1} << 24},
     {with_rating, "whether each step carries a rating after its id (1) or not (0)", 0, 1}},
    embedding_problem,
    embedding_parameters,
    [](backend& b, const layer_spec& spec, weight_layout) -> std::unique_ptr<layer> {
      return std::make_unique<embedding_layer>(b, spec);
    },
    [](const layer_spec& spec) {
      return "embedding of " + std::to_string(spec.attribute(vocabulary)) + " ids" +
             (rated(spec) ? ", with ratings" : "");
    },
};

embedding_layer::embedding_layer(backend& b, const layer_spec& spec)
    : whole_layer(b, spec, "sequences"),
      steps_(spec.input.dim(0)),
      vocabulary_(static_cast<int>(spec.attribute(vocabulary))),
      dims_(dims_of(spec)),
      with_rating_(rated(spec)),
      weight_(b, floats(vocabulary_, dims_)),
      weight_grad_(b, floats(vocabulary_, dims_)) {
  b.fill(weight_.data(), weight_.capacity(), 0);
  b.fill(weight_grad_.data(), weight_grad_.capacity(), 0);
}

void embedding_layer::initialize(init_scheme scheme, rng& random) {
  if (scheme == init_scheme::xavier) {
    // PyTorch's fans of a vocabulary x dims tensor: dims in, vocabulary out.
    weight_.upload(draw_initial_values(scheme, static_cast<float>(dims_), static_cast<float>(vocabulary_),
                                       weight_.capacity(), 0, random)
                       .weights);
    return;
  }
  std::vector<float> w(weight_.capacity());  // nn.Embedding's N(0, 1)
  for (float& v : w) v = random.normal();
  weight_.upload(w);
}

void embedding_layer::index(const_matrix_view x) {
  const int width = spec_.input.dim(1), n = rows_ * steps_;
  std::vector<float> host(floats(n, width));
  if (!host.empty()) backend_.to_host(host.data(), x.data, host.size() * sizeof(float));
  std::vector<std::int32_t> offsets(static_cast<std::size_t>(n) + 1), columns;
  for (int s = 0; s < n; ++s) {
    const float id = host[floats(s, width)];
    if (!(id >= 0 && id <= static_cast<float>(vocabulary_) && id == std::floor(id)))
      throw error(error_code::invalid_argument,
                  "embedding: row " + std::to_string(s / steps_) + ", step " + std::to_string(s % steps_) +
                      " has the id " + std::to_string(id) + ", not an integer in 0.." +
                      std::to_string(vocabulary_) + " (an index plus one; 0 pads)");
    if (id > 0) columns.push_back(static_cast<std::int32_t>(id) - 1);
    offsets[static_cast<std::size_t>(s) + 1] = static_cast<std::int32_t>(columns.size());
  }
  offsets_.reserve(backend_, offsets.size());
  offsets_.upload(offsets);
  columns_.reserve(backend_, std::max<std::size_t>(1, columns.size()));
  columns_.upload(columns);
  if (ones_.capacity() < columns.size()) {
    ones_.reserve(backend_, columns.size());
    backend_.fill(ones_.data(), ones_.capacity(), 1);
  }
  ids_ = {n, vocabulary_, static_cast<int>(columns.size()), offsets_.data(), columns_.data(), ones_.data()};
}

const_matrix_view embedding_layer::forward(const layer_input& x) {
  const const_matrix_view in = dense_input(x);
  rows_ = in.rows;
  index(in);
  const int n = rows_ * steps_, width = spec_.output.dim(1);
  y_.reserve(backend_, floats(n, width));
  const matrix_view y{y_.data(), n, width};
  const const_matrix_view table{weight_.data(), vocabulary_, dims_};
  if (!with_rating_) {
    backend_.sparse_dense(ids_, table, 0, y);
  } else {
    e_.reserve(backend_, floats(n, dims_));
    const matrix_view e{e_.data(), n, dims_};
    backend_.sparse_dense(ids_, table, 0, e);
    sequence_ops& seq = ops<sequence_ops>(backend_);
    seq.copy_columns(e, 0, y, 0, dims_);
    seq.copy_columns({in.data, n, 2}, 1, y, dims_, 1);
  }
  return {y_.data(), rows_, spec_.outputs()};
}

const_matrix_view embedding_layer::backward(const layer_input&, const_matrix_view d_output, float beta,
                                            bool want_input_grad) {
  if (want_input_grad)
    throw error(error_code::invalid_argument,
                "an embedding layer is a first layer: its ids have no gradient to pass back");
  AEREC_ASSERT(d_output.rows == rows_ && d_output.cols == spec_.outputs());
  const int n = rows_ * steps_;
  const_matrix_view d_embedding{d_output.data, n, dims_};
  if (with_rating_) {
    const matrix_view e{e_.data(), n, dims_};
    ops<sequence_ops>(backend_).copy_columns({d_output.data, n, dims_ + 1}, 0, e, 0, dims_);
    d_embedding = e;
  }
  backend_.sparse_t_dense(ids_, d_embedding, beta, {weight_grad_.data(), vocabulary_, dims_});
  return {nullptr, 0, 0};
}

std::vector<parameter> embedding_layer::parameters() {
  return {{"weight", weight_.data(), weight_grad_.data(), weight_.capacity()}};
}

}  // namespace aerec
