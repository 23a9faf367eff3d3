#pragma once
// An LSTM step's gates for one row, eight units at a time (internal): the
// CPU backend's lstm_ops, which threads them over rows. The formulas are
// lstm_math.h's, their sigmoid and tanh from the vector e^x.
namespace aerec::cpu {

// gates (4 * units: i, f, g, o) activated in place; c = f c_prev + i g and
// h = o tanh(c) (units each); c_prev null stands for zeros.
void lstm_forward_row(float* gates, const float* c_prev, float* c, float* h, int units);
// d_gates = dL/dz from the activated gates, c_prev (null: zeros), c, dh and
// dc (in: from the step after; out: dL/d(c_prev)).
void lstm_backward_row(const float* gates, const float* c_prev, const float* c, const float* dh, float* dc,
                       float* d_gates, int units);

}  // namespace aerec::cpu
