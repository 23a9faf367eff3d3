#pragma once
// Optimizer settings with PyTorch's semantics (torch.optim, 1.13) and defaults.
// Hyperparameters are doubles, as Python's are: constants such as 1 - alpha
// are formed in double and rounded to float once, as PyTorch does.
#include <string>
#include <vector>

namespace aerec {

enum class optimizer_kind { sgd, rmsprop, adam, adamw, adagrad, adadelta };

struct optimizer_config {
  optimizer_kind kind = optimizer_kind::rmsprop;
  double lr = 0.01;
  double weight_decay = 0;  // L2 added to the gradient; AdamW: decoupled decay
  double momentum = 0;      // sgd, rmsprop
  double dampening = 0;     // sgd
  bool nesterov = false;    // sgd
  double alpha = 0.99;      // rmsprop smoothing constant
  bool centered = false;    // rmsprop
  double eps = 1e-8;
  double beta1 = 0.9;              // adam, adamw
  double beta2 = 0.999;            // adam, adamw
  bool amsgrad = false;            // adam, adamw
  double rho = 0.9;                // adadelta
  double lr_decay = 0;             // adagrad
  double initial_accumulator = 0;  // adagrad
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
