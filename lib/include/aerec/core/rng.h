#pragma once
// A small, portable random generator. Standard library distributions differ
// between libstdc++ and libc++ (native vs wasm), so aerec draws its own numbers:
// the same seed gives the same model on every platform.
#include <cmath>
#include <cstdint>
#include <span>
#include <utility>

namespace aerec {

class rng {
 public:
  explicit rng(std::uint64_t seed) : state_(seed) {}

  // rng(r.state()) continues r's sequence: checkpoints save it.
  std::uint64_t state() const { return state_; }

  // splitmix64 (Steele, Lea, Flood 2014): one add and a mix; passes BigCrush.
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

  // Uniform in [0, 1) with 24 random bits: exactly representable as float.
  float uniform() { return static_cast<float>(next() >> 40) * 0x1.0p-24f; }
  float uniform(float lo, float hi) { return lo + (hi - lo) * uniform(); }

  // Standard normal (Box-Muller from two uniforms; 1 - u keeps the log finite).
  float normal() {
    const double radius = std::sqrt(-2.0 * std::log(1.0 - static_cast<double>(uniform())));
    return static_cast<float>(radius * std::cos(6.283185307179586 * static_cast<double>(uniform())));
  }

  // Standard normal redrawn beyond 2 standard deviations (TensorFlow's truncated_normal).
  float truncated_normal() {
    float z = normal();
    while (std::abs(z) > 2) z = normal();
    return z;
  }

  // Uniform integer in [0, n), without modulo bias (Lemire's method).
  std::uint32_t below(std::uint32_t n) {
    std::uint64_t m = (next() >> 32) * n;
    if (static_cast<std::uint32_t>(m) < n) {
      const std::uint32_t threshold = static_cast<std::uint32_t>(-n) % n;
      while (static_cast<std::uint32_t>(m) < threshold) m = (next() >> 32) * n;
    }
    return static_cast<std::uint32_t>(m >> 32);
  }

  template <class T>
  void shuffle(std::span<T> values) {
    for (std::size_t i = values.size(); i > 1; --i)
      std::swap(values[i - 1], values[below(static_cast<std::uint32_t>(i))]);
  }

 private:
  std::uint64_t state_;
};

}  // namespace aerec
