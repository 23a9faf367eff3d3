#pragma once
// Optimizer settings with PyTorch's semantics (torch.optim, 1.13) and defaults.
#include <string>
#include <vector>

namespace aerec {

enum class optimizer_kind { sgd, rmsprop, adam, adamw, adagrad, adadelta };

struct optimizer_config {
  optimizer_kind kind = optimizer_kind::rmsprop;
  float lr = 0.01f;
  float weight_decay = 0;   // L2 added to the gradient; AdamW: decoupled decay
  float momentum = 0;       // sgd, rmsprop
  float dampening = 0;      // sgd
  bool nesterov = false;    // sgd
  float alpha = 0.99f;      // rmsprop smoothing constant
  bool centered = false;    // rmsprop
  float eps = 1e-8f;
  float beta1 = 0.9f;       // adam, adamw
  float beta2 = 0.999f;     // adam, adamw
  bool amsgrad = false;     // adam, adamw
  float rho = 0.9f;         // adadelta
  float lr_decay = 0;       // adagrad
  float initial_accumulator = 0;  // adagrad
};

// PyTorch's defaults for `kind` (SGD, whose lr PyTorch requires, gets 0.01).
optimizer_config default_optimizer_config(optimizer_kind kind);

const char* optimizer_name(optimizer_kind kind);
// Throws error_code::invalid_argument listing the known names.
optimizer_kind parse_optimizer(const std::string& name);
const std::vector<optimizer_kind>& all_optimizers();

// How many state arrays of the parameter's size the optimizer keeps (0..3).
int optimizer_state_count(const optimizer_config& config);

// Throws error_code::invalid_argument when a setting is out of its domain
// (negative lr, beta outside [0, 1), ...), as PyTorch's constructors do.
void validate(const optimizer_config& config);

}  // namespace aerec
