#include "aerec/nn/sequence_layers.h"

#include <algorithm>

#include "aerec/core/error.h"
#include "aerec/nn/layers/embedding.h"
#include "aerec/nn/layers/lstm.h"
#include "aerec/nn/layers/repeat.h"
#include "aerec/nn/layers/step_dense.h"

namespace aerec {

std::vector<layer_spec> seq2seq_layers(int items, const sequence_config& c) {
  if (items < 1 || c.length < 1 || c.steps < 1 || c.embedding < 1 || c.hidden < 1)
    throw error(error_code::invalid_argument,
                "a sequence autoencoder's movies, length, steps, embedding and LSTM widths must be >= 1");
  const layer_spec embed = embedding_spec(c.length, items, c.embedding, c.with_rating);
  return {embed, lstm_spec(c.length, embed.output.dim(1), c.hidden, true), repeat_spec(c.hidden, c.steps),
          lstm_spec(c.steps, c.hidden, c.hidden, false),
          step_dense_spec(c.steps, c.hidden, items, activation::identity)};
}

bool reads_sequences(const std::vector<layer_spec>& specs) {
  return !specs.empty() && specs.front().kind == embedding_kind_name;
}

sequence_shape sequence_shape_of(const std::vector<layer_spec>& specs) {
  if (!reads_sequences(specs))
    throw error(error_code::invalid_argument, "not a sequence model: its first layer is not an embedding");
  const layer_spec& first = specs.front();
  return {first.input.dim(0), specs.back().output.dim(0), static_cast<int>(first.attribute("vocabulary")),
          first.attribute("with_rating") != 0};
}

void write_sequence_row(const sequence_shape& s, std::span<const std::int32_t> columns,
                        std::span<const float> ratings, std::span<float> row) {
  AEREC_ASSERT(static_cast<int>(row.size()) == s.input_width());
  AEREC_ASSERT(!s.with_rating || ratings.size() == columns.size());
  const std::size_t kept = std::min(columns.size(), static_cast<std::size_t>(s.length));
  const std::size_t skipped = columns.size() - kept, pad = static_cast<std::size_t>(s.length) - kept;
  const std::size_t width = s.with_rating ? 2 : 1;
  std::fill(row.begin(), row.end(), 0.0f);
  for (std::size_t i = 0; i < kept; ++i) {
    float* step = row.data() + (pad + i) * width;
    step[0] = static_cast<float>(columns[skipped + i] + 1);
    if (s.with_rating) step[1] = ratings[skipped + i];
  }
}

}  // namespace aerec
