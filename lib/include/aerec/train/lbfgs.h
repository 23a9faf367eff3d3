#pragma once
// L-BFGS for full-batch training (item-based AutoRec, GLocal-K), following
// PyTorch 1.13's torch.optim.LBFGS line by line: the same iterations, stopping
// rules, strong Wolfe line search and state carried from one step to the next.
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "aerec/backend/device_array.h"
#include "aerec/nn/layer.h"

namespace aerec {

// torch.optim.LBFGS's constructor arguments and defaults.
struct lbfgs_config {
  double lr = 1;
  int max_iter = 20;
  int max_eval = 0;  // 0: max_iter * 5 / 4, as PyTorch's max_eval=None
  double tolerance_grad = 1e-7;
  double tolerance_change = 1e-9;
  int history_size = 100;
  bool strong_wolfe = false;  // line_search_fn="strong_wolfe"; else a fixed step lr
};

// Throws error_code::invalid_argument naming the setting that is out of range.
void validate(const lbfgs_config& config);

namespace detail {
// A scalar as lbfgs.py holds it: a Python float (double arithmetic) or a
// 0-dim float32 tensor (float arithmetic), which decides how it rounds.
struct torch_scalar {
  double value = 0;
  bool tensor = false;
};
}  // namespace detail

class lbfgs {
 public:
  lbfgs(backend& b, const lbfgs_config& config, std::vector<parameter> params);

  // The closure computes the loss at the parameters' current values and
  // writes every parameter's gradient (overwriting); it returns the loss.
  // One call is one torch LBFGS.step(closure): up to max_iter iterations.
  // Returns the first loss, as PyTorch does.
  double step(const std::function<double()>& closure);

  // State counters (PyTorch's state['func_evals'] and state['n_iter']): totals over all steps.
  long function_evaluations() const { return func_evals_; }
  long iterations() const { return n_iter_; }
  const lbfgs_config& config() const { return config_; }

  // Everything step() depends on besides the parameters. load_state throws
  // error_code::model_format, naming `source`, for bytes that do not fit
  // this optimizer and parameter count.
  std::string save_state() const;
  void load_state(std::string_view bytes, const std::string& source);

 private:
  // A flat vector over all parameters, in backend memory. Gradients are never
  // changed in place once gathered, so sharing one stands for torch's clone.
  using flat_vector = std::shared_ptr<device_array<float>>;

  flat_vector new_vector() const;
  flat_vector scaled(float alpha, const flat_vector& x) const;
  void add_scaled(float alpha, const flat_vector& x, const flat_vector& y) const;
  float dot(const flat_vector& a, const flat_vector& b) const;
  float abs_max(const flat_vector& x) const;
  float abs_sum(const flat_vector& x) const;
  flat_vector gather_flat_grad() const;
  void add_grad(detail::torch_scalar step_size, const flat_vector& update) const;
  flat_vector clone_params() const;
  void set_params(const flat_vector& x) const;
  void update_direction(const flat_vector& flat_grad);

  backend& backend_;
  lbfgs_config config_;
  std::vector<parameter> params_;
  int numel_ = 0;

  // PyTorch's state, kept from step to step.
  long func_evals_ = 0;
  long n_iter_ = 0;
  flat_vector d_;
  detail::torch_scalar t_;
  std::deque<flat_vector> old_dirs_;
  std::deque<flat_vector> old_stps_;
  std::deque<float> ro_;
  float h_diag_ = 1;
  flat_vector prev_flat_grad_;
  double prev_loss_ = 0;
};

}  // namespace aerec
