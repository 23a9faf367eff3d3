#pragma once
// Regularising penalties that an autoencoder adds to its loss while training.
#include <string>
#include <vector>

#include "aerec/nn/activation.h"

namespace aerec {

// Sparse autoencoder: a penalty on one hidden layer's activations h.
//  l1: weight * sum |h|, per user (averaged over the batch's rows);
//  kl: weight * sum_j KL(target || mean_j), mean_j unit j's mean activation
//      over the batch (Ng's sparse autoencoder; needs a sigmoid layer).
enum class activity_kind { none, l1, kl };
const char* activity_kind_name(activity_kind k);
activity_kind parse_activity_kind(const std::string& name);

struct activity_penalty {
  activity_kind kind = activity_kind::none;
  float weight = 0;
  float target = 0.05f;  // kl: the mean activation each unit is drawn to
  int layer = -1;        // the hidden layer (0 = first); -1 = the code layer
};

struct penalty_config {
  activity_penalty activity;
  // Contractive autoencoder: weight * ||dh/dx||_F^2 per user, for the first
  // layer h = f(xW + b) (Rifai et al.'s one-layer encoder); sigmoid or tanh.
  float contractive = 0;
  // Local-kernel layers' (layer.h) L2 penalty on their kernels: local_kernel /
  // 2 * the sum of every kernel value's square (GLocal-K's lambda_s), which
  // drives kernel values, and so weights, to zero.
  float local_kernel = 0;
};

// Throws error_code::invalid_argument for penalties that do not fit hidden
// layers of these widths and activation.
void validate(const penalty_config& p, const std::vector<int>& hidden, activation hidden_act);

}  // namespace aerec
