#include "backend/cpu/vector_lstm.h"

#include <algorithm>
#include <cstring>

#include "backend/cpu/vector_math.h"

namespace aerec::cpu {

namespace {

// n <= 8 floats at p (zeros for null), the rest of the lanes 0: a short tail
// is padded, so every unit's result is the same wherever it sits.
float8 load_n(const float* p, int n) {
  if (!p) return float8{};
  if (n == 8) return load8(p);
  float lanes[8] = {};
  std::memcpy(lanes, p, static_cast<std::size_t>(n) * sizeof(float));
  return load8(lanes);
}

void store_n(float* p, float8 v, int n) {
  if (n == 8)
    store8(p, v);  // a fixed-size copy is one store; a variable one, a call
  else
    std::memcpy(p, &v, static_cast<std::size_t>(n) * sizeof(float));
}

float8 sigmoid8(float8 z) { return 1.0f / (1.0f + exp8(-z)); }

}  // namespace

void lstm_forward_row(float* gates, const float* c_prev, float* c, float* h, int units) {
  for (int j = 0; j < units; j += 8) {
    const int n = std::min(8, units - j);
    const float8 i = sigmoid8(load_n(gates + j, n)), f = sigmoid8(load_n(gates + units + j, n));
    const float8 g = tanh8(load_n(gates + 2 * units + j, n)), o = sigmoid8(load_n(gates + 3 * units + j, n));
    const float8 c_new = f * load_n(c_prev ? c_prev + j : nullptr, n) + i * g;
    store_n(gates + j, i, n);
    store_n(gates + units + j, f, n);
    store_n(gates + 2 * units + j, g, n);
    store_n(gates + 3 * units + j, o, n);
    store_n(c + j, c_new, n);
    store_n(h + j, o * tanh8(c_new), n);
  }
}

void lstm_backward_row(const float* gates, const float* c_prev, const float* c, const float* dh, float* dc,
                       float* d_gates, int units) {
  for (int j = 0; j < units; j += 8) {
    const int n = std::min(8, units - j);
    const float8 i = load_n(gates + j, n), f = load_n(gates + units + j, n);
    const float8 g = load_n(gates + 2 * units + j, n), o = load_n(gates + 3 * units + j, n);
    const float8 tanh_c = tanh8(load_n(c + j, n)), dh8 = load_n(dh + j, n);
    const float8 dc_total = load_n(dc + j, n) + dh8 * o * (1.0f - tanh_c * tanh_c);
    store_n(d_gates + j, dc_total * g * i * (1.0f - i), n);
    store_n(d_gates + units + j, dc_total * load_n(c_prev ? c_prev + j : nullptr, n) * f * (1.0f - f), n);
    store_n(d_gates + 2 * units + j, dc_total * i * (1.0f - g * g), n);
    store_n(d_gates + 3 * units + j, dh8 * tanh_c * o * (1.0f - o), n);
    store_n(dc + j, dc_total * f, n);
  }
}

}  // namespace aerec::cpu
