#pragma once
// An LSTM unit's formulas (internal), shared by the host implementation and
// a GPU's: one unit j of one row, its gates at j, h + j, 2h + j, 3h + j.
#include <cmath>

#include "backend/host_device.h"

namespace aerec::math {

AEREC_HOST_DEVICE inline float lstm_sigmoid(float z) { return 1.0f / (1.0f + std::exp(-z)); }

// Activates unit j's gates in place; returns its c and sets h.
AEREC_HOST_DEVICE inline float lstm_unit_forward(float* gates, int units, int j, float c_prev, float& h) {
  float& i = gates[j];
  float& f = gates[units + j];
  float& g = gates[2 * units + j];
  float& o = gates[3 * units + j];
  i = lstm_sigmoid(i);
  f = lstm_sigmoid(f);
  g = std::tanh(g);
  o = lstm_sigmoid(o);
  const float c = f * c_prev + i * g;
  h = o * std::tanh(c);
  return c;
}

// Unit j's dL/dz into d_gates given its activated gates, c_prev, c, dh and
// dc (dL/dc from the step after); returns dL/d(c_prev).
AEREC_HOST_DEVICE inline float lstm_unit_backward(const float* gates, int units, int j, float c_prev, float c,
                                                  float dh, float dc, float* d_gates) {
  const float i = gates[j], f = gates[units + j], g = gates[2 * units + j], o = gates[3 * units + j];
  const float tanh_c = std::tanh(c);
  const float dc_total = dc + dh * o * (1 - tanh_c * tanh_c);
  d_gates[j] = dc_total * g * i * (1 - i);
  d_gates[units + j] = dc_total * c_prev * f * (1 - f);
  d_gates[2 * units + j] = dc_total * i * (1 - g * g);
  d_gates[3 * units + j] = dh * tanh_c * o * (1 - o);
  return dc_total * f;
}

}  // namespace aerec::math
