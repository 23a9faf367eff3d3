#include "aerec/nn/sequence_layers.h"

#include <algorithm>

#include "aerec/core/error.h"
#include "aerec/nn/layers/embedding.h"
#include "aerec/nn/layers/lstm.h"
#include "aerec/nn/layers/lstm_feed.h"
#include "aerec/nn/layers/repeat.h"
#include "aerec/nn/layers/step_dense.h"

namespace aerec {

std::vector<layer_spec> seq2seq_layers(int items, const sequence_config& c) {
  if (items < 1 || c.length < 1 || c.steps < 1 || c.embedding < 1 || c.hidden < 1)
    throw error(error_code::invalid_argument,
                "a sequence autoencoder's movies, length, steps, embedding and LSTM widths must be >= 1");
  const int fed = c.teacher_forcing ? c.steps : 0;
  const layer_spec embed = embedding_spec(c.length + fed, items, c.embedding, c.with_rating);
  const int e = embed.output.dim(1);
  const layer_spec decode = step_dense_spec(c.steps, c.hidden, items, activation::identity);
  if (fed > 0)
    return {embed, lstm_feed_spec(c.length, fed, e, c.hidden),
            lstm_spec(c.steps, c.hidden + e, c.hidden, false), decode};
  return {embed, lstm_spec(c.length, e, c.hidden, true), repeat_spec(c.hidden, c.steps),
          lstm_spec(c.steps, c.hidden, c.hidden, false), decode};
}

bool reads_sequences(const std::vector<layer_spec>& specs) {
  return !specs.empty() && specs.front().kind == embedding_kind_name;
}

sequence_shape sequence_shape_of(const std::vector<layer_spec>& specs) {
  if (!reads_sequences(specs))
    throw error(error_code::invalid_argument, "not a sequence model: its first layer is not an embedding");
  const layer_spec& first = specs.front();
  const int fed = specs.size() > 1 && specs[1].kind == lstm_feed_kind_name ? specs[1].output.dim(0) : 0;
  return {first.input.dim(0) - fed, fed, specs.back().output.dim(0),
          static_cast<int>(first.attribute("vocabulary")), first.attribute("with_rating") != 0};
}

namespace {

// Step `at` of a row: the movie (column + 1) and, with ratings, its rating.
void write_step(const sequence_shape& s, std::size_t at, std::int32_t column, std::span<const float> ratings,
                std::size_t i, std::span<float> row) {
  float* step = row.data() + at * static_cast<std::size_t>(s.step_width());
  step[0] = static_cast<float>(column + 1);
  if (s.with_rating) step[1] = ratings[i];
}

}  // namespace

void write_sequence_row(const sequence_shape& s, std::span<const std::int32_t> columns,
                        std::span<const float> ratings, std::span<float> row) {
  AEREC_ASSERT(static_cast<int>(row.size()) == s.input_width());
  AEREC_ASSERT(!s.with_rating || ratings.size() == columns.size());
  const std::size_t kept = std::min(columns.size(), static_cast<std::size_t>(s.length));
  const std::size_t skipped = columns.size() - kept, pad = static_cast<std::size_t>(s.length) - kept;
  std::fill(row.begin(), row.end(), 0.0f);
  for (std::size_t i = 0; i < kept; ++i)
    write_step(s, pad + i, columns[skipped + i], ratings, skipped + i, row);
  if (s.fed > 0 && !columns.empty())
    write_step(s, static_cast<std::size_t>(s.length), columns.back(), ratings, columns.size() - 1, row);
}

void write_fed_targets(const sequence_shape& s, std::span<const std::int32_t> targets,
                       std::span<const float> ratings, std::span<float> row) {
  AEREC_ASSERT(static_cast<int>(row.size()) == s.input_width());
  AEREC_ASSERT(!s.with_rating || ratings.size() == targets.size());
  for (std::size_t i = 0; i + 1 < static_cast<std::size_t>(s.fed) && i < targets.size(); ++i)
    write_step(s, static_cast<std::size_t>(s.length) + 1 + i, targets[i], ratings, i, row);
}

}  // namespace aerec
