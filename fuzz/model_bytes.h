#pragma once
// What the model-file targets share (model_file.cpp, checkpoint.cpp): one
// single-threaded CPU backend, a mutator that keeps the checksum valid, and
// predictions to compare a model with its round trip.
#include <cstring>
#include <memory>
#include <vector>

#include "aerec/backend/cpu_backend.h"
#include "aerec/data/sparse_batch.h"
#include "aerec/io/model_file.h"
#include "fuzz_target.h"
#include "io/crc32.h"

extern "C" std::size_t LLVMFuzzerMutate(std::uint8_t* data, std::size_t size, std::size_t max_size);

namespace aerec::fuzz {

inline backend& cpu() {
  static const std::unique_ptr<backend> b = make_cpu_backend(1);
  return *b;
}

// Sets the trailing CRC-32 of most mutated inputs: a file's checksum covers
// every byte, so without this nearly every mutation would stop at it. The
// rest keep the check itself tested.
inline std::size_t mutate_with_checksum(std::uint8_t* data, std::size_t size, std::size_t max_size,
                                        unsigned int seed) {
  size = LLVMFuzzerMutate(data, size, max_size);
  if (size >= 16 && seed % 16 != 0) {
    const std::uint32_t crc = crc32(as_text(data, size - 4));
    std::memcpy(data + size - 4, &crc, 4);
  }
  return size;
}

// Whether predicting with `m` is quick enough to do for every input (a
// damaged header may describe a network of little weight but much work).
inline bool cheap(model& m) {
  autoencoder& net = m.network();
  if (net.specs().size() > 16 || net.parameter_count() > (std::size_t{1} << 14)) return false;
  for (const layer_spec& s : net.specs())
    if (s.input.size() > 1024 || s.output.size() > 1024) return false;
  return !net.global() || net.global()->shape().rows <= 64;
}

// Its predictions for a row of ones: ratings, pixels or the first movie's id,
// whatever its rows are; with a global kernel, for a whole matrix of ones (its
// rows at once, sparse).
inline std::vector<float> predictions(model& m) {
  autoencoder& net = m.network();
  std::vector<float> out;
  const std::vector<float> row(static_cast<std::size_t>(net.items()), 1.0f);
  try {
    out = net.global() ? net.predict(every_entry(net.global()->shape().rows, net.items())) : net.predict(row);
  } catch (const error& e) {
    finding("a model that loads cannot predict:", e.what());
  }
  return out;
}

// The model as serialize_model writes it, read back, must write the same
// bytes and predict the same, bit for bit.
inline void check_round_trip(model& m) {
  const std::string bytes = serialize_model(m);
  model again = [&] {
    try {
      return deserialize_model(cpu(), bytes, "round trip");
    } catch (const error& e) {
      finding("a model that loads does not load once saved:", e.what());
    }
  }();
  check(serialize_model(again) == bytes, "saving a loaded model twice gives other bytes");
  if (!cheap(m)) return;
  const std::vector<float> before = predictions(m), after = predictions(again);
  check(before.size() == after.size() &&
            std::memcmp(before.data(), after.data(), before.size() * sizeof(float)) == 0,
        "a loaded model predicts otherwise once saved and loaded again");
}

}  // namespace aerec::fuzz
