#pragma once
// The sequence autoencoder (the family's seq2seq LSTM): a user's last movies
// in time order, embedded, read by an LSTM into one code, the code repeated
// for an LSTM decoder, and at each decoder step a score for every movie: the
// movies that come next, in order. Its network reads movie ids as floats
// (column + 1, 0 for padding before a short history), so it is a chain of
// registry layers like any other autoencoder, and model files store it so.
#include <cstdint>
#include <span>
#include <vector>

#include "aerec/nn/layer.h"

namespace aerec {

struct sequence_config {
  int length = 0;  // movies the encoder reads (0: not a sequence model)
  int steps = 3;   // movies the decoder predicts
  int embedding = 64;
  int hidden = 128;          // both LSTMs' width
  bool with_rating = false;  // each movie's rating as one more input feature
};

// embedding -> LSTM (its last state: the code) -> repeat -> LSTM -> a dense
// layer at each step, over `items` movies. Throws error_code::invalid_argument
// for a size below 1.
std::vector<layer_spec> seq2seq_layers(int items, const sequence_config& config);

// What a sequence network reads and emits.
struct sequence_shape {
  int length = 0;      // movies in a row of input
  int steps = 0;       // steps of scores in a row of output
  int vocabulary = 0;  // movies it scores
  bool with_rating = false;
  int input_width() const { return length * (with_rating ? 2 : 1); }
};
// Whether `specs` read movie ids (their first layer is an embedding).
bool reads_sequences(const std::vector<layer_spec>& specs);
// Throws error_code::invalid_argument unless reads_sequences(specs).
sequence_shape sequence_shape_of(const std::vector<layer_spec>& specs);

// Writes one row of input (s.input_width() floats) for a history of movie
// columns in time order and their ratings (read only with s.with_rating):
// its last s.length movies, left-padded with zeros.
void write_sequence_row(const sequence_shape& s, std::span<const std::int32_t> columns,
                        std::span<const float> ratings, std::span<float> row);

}  // namespace aerec
