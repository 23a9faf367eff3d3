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
  // Each decoder step also given the movie before the one it predicts: the
  // last one read at the first step, then (training) the true targets.
  bool teacher_forcing = false;
};

// embedding -> LSTM (its last state: the code) -> repeat -> LSTM -> a dense
// layer at each step, over `items` movies; with teacher forcing, the code
// goes beside each step's fed movie (an lstm_feed layer) instead of repeated. Throws
// error_code::invalid_argument for a size below 1.
std::vector<layer_spec> seq2seq_layers(int items, const sequence_config& config);

// What a sequence network reads and emits.
struct sequence_shape {
  int length = 0;      // movies the encoder reads
  int fed = 0;         // movies fed to the decoder (teacher forcing), after those in a row of input
  int steps = 0;       // steps of scores in a row of output
  int vocabulary = 0;  // movies it scores
  bool with_rating = false;
  int step_width() const { return with_rating ? 2 : 1; }
  int input_width() const { return (length + fed) * step_width(); }
};
// Whether `specs` read movie ids (their first layer is an embedding).
bool reads_sequences(const std::vector<layer_spec>& specs);
// Throws error_code::invalid_argument unless reads_sequences(specs).
sequence_shape sequence_shape_of(const std::vector<layer_spec>& specs);

// Writes one row of input (s.input_width() floats) for a history of movie
// columns in time order and their ratings (read only with s.with_rating):
// its last s.length movies, left-padded with zeros, then the fed movies: the
// history's last (the one before the next) and zeros.
void write_sequence_row(const sequence_shape& s, std::span<const std::int32_t> columns,
                        std::span<const float> ratings, std::span<float> row);
// Teacher forcing in training: fed steps 1, 2, ... of a written row get the
// true targets before the last (targets[0], ...; as many as there are).
void write_fed_targets(const sequence_shape& s, std::span<const std::int32_t> targets,
                       std::span<const float> ratings, std::span<float> row);

}  // namespace aerec
