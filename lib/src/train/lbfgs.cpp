// L-BFGS, ported line by line from PyTorch 1.13's torch/optim/lbfgs.py
// (/usr/lib/python3/dist-packages/torch/optim/lbfgs.py on Debian 12):
// _cubic_interpolate, _strong_wolfe and LBFGS.step keep their structure and
// names, so the two can be read side by side. Vector work goes through the
// backend (BLAS-1); scalar bookkeeping stays on the host, with each scalar
// rounded as torch rounds it (torch_scalar).
#include "aerec/train/lbfgs.h"

#include <algorithm>
#include <cmath>
#include <concepts>
#include <functional>
#include <limits>
#include <optional>
#include <utility>

#include "io/binary_io.h"

namespace aerec {

namespace {

using number = detail::torch_scalar;
using flat = std::shared_ptr<device_array<float>>;

number py(double v) { return {v, false}; }
number tensor(float v) { return {v, true}; }
number lift(number x) { return x; }
number lift(double x) { return py(x); }

// Operators on torch_scalar, and on a torch_scalar with a Python float.
template <class A, class B>
concept mixed = (std::same_as<A, number> || std::same_as<A, double>)&&(
    std::same_as<B, number> || std::same_as<B, double>)&&(std::same_as<A, number> || std::same_as<B, number>);

// As torch computes a binary operation: in float when either side is a tensor
// (a Python float rounded to float first), else in double.
template <class Op>
number apply(number a, number b, Op op) {
  if (a.tensor || b.tensor) return tensor(op(static_cast<float>(a.value), static_cast<float>(b.value)));
  return py(op(a.value, b.value));
}
template <class Op>
bool compare(number a, number b, Op op) {
  if (a.tensor || b.tensor) return op(static_cast<float>(a.value), static_cast<float>(b.value));
  return op(a.value, b.value);
}

template <class A, class B>
requires mixed<A, B> number operator+(A a, B b) { return apply(lift(a), lift(b), std::plus<>()); }
template <class A, class B>
requires mixed<A, B> number operator-(A a, B b) { return apply(lift(a), lift(b), std::minus<>()); }
template <class A, class B>
requires mixed<A, B> number operator*(A a, B b) { return apply(lift(a), lift(b), std::multiplies<>()); }
template <class A, class B>
requires mixed<A, B> number operator/(A a, B b) {
  // A Python float over a tensor is Tensor.__rdiv__: reciprocal(), then a product.
  if (!lift(a).tensor && lift(b).tensor)
    return tensor((1.0f / static_cast<float>(lift(b).value)) * static_cast<float>(lift(a).value));
  return apply(lift(a), lift(b), std::divides<>());
}
template <class A, class B>
requires mixed<A, B>
bool operator<(A a, B b) { return compare(lift(a), lift(b), std::less<>()); }
template <class A, class B>
requires mixed<A, B>
bool operator<=(A a, B b) { return compare(lift(a), lift(b), std::less_equal<>()); }
template <class A, class B>
requires mixed<A, B>
bool operator>(A a, B b) { return compare(lift(a), lift(b), std::greater<>()); }
template <class A, class B>
requires mixed<A, B>
bool operator>=(A a, B b) { return compare(lift(a), lift(b), std::greater_equal<>()); }

number abs_of(number x) { return {std::fabs(x.value), x.tensor}; }
number sqrt_of(number x) {
  return x.tensor ? tensor(std::sqrt(static_cast<float>(x.value))) : py(std::sqrt(x.value));
}
// Python's min and max of two: the first unless the second is strictly smaller (larger).
number py_min(number a, number b) { return b < a ? b : a; }
number py_max(number a, number b) { return b > a ? b : a; }

struct bounds {
  number min;
  number max;
};

number cubic_interpolate(number x1, double f1, number g1, number x2, double f2, number g2,
                         std::optional<bounds> limits = std::nullopt) {
  // ported from https://github.com/torch/optim/blob/master/polyinterp.lua
  // Compute bounds of interpolation area
  number xmin_bound;
  number xmax_bound;
  if (limits) {
    xmin_bound = limits->min;
    xmax_bound = limits->max;
  } else if (x1 <= x2) {
    xmin_bound = x1;
    xmax_bound = x2;
  } else {
    xmin_bound = x2;
    xmax_bound = x1;
  }
  // Most common case: cubic interpolation of 2 points with function and
  // derivative values for both (x2 the farthest point).
  const number d1 = g1 + g2 - 3.0 * (f1 - f2) / (x1 - x2);
  const number d2_square = d1 * d1 - g1 * g2;
  if (d2_square >= 0.0) {
    const number d2 = sqrt_of(d2_square);
    number min_pos;
    if (x1 <= x2)
      min_pos = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2.0 * d2));
    else
      min_pos = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2.0 * d2));
    return py_min(py_max(min_pos, xmin_bound), xmax_bound);
  }
  return (xmin_bound + xmax_bound) / 2.0;
}

struct evaluation {
  double f;
  flat g;
};
struct line_search_result {
  double f;
  flat g;
  number t;
  int evals;
};

// _strong_wolfe: obj_func(t) evaluates the loss and gradient at x + t * d,
// dot_d(g) is g.dot(d) and d_abs_max is d.abs().max(). LBFGS.step passes no
// tolerance_change, so the search uses its default 1e-9 whatever the config.
line_search_result strong_wolfe(const std::function<evaluation(number)>& obj_func,
                                const std::function<float(const flat&)>& dot_d, number t, float d_abs_max,
                                double f, const flat& g, number gtd) {
  // ported from https://github.com/torch/optim/blob/master/lswolfe.lua
  constexpr double c1 = 1e-4;
  constexpr double c2 = 0.9;
  constexpr double tolerance_change = 1e-9;
  constexpr int max_ls = 25;
  const number d_norm = tensor(d_abs_max);
  // evaluate objective and gradient using initial step
  evaluation e = obj_func(t);
  double f_new = e.f;
  flat g_new = e.g;
  int ls_func_evals = 1;
  number gtd_new = tensor(dot_d(g_new));

  // bracket an interval containing a point satisfying the Wolfe criteria
  number t_prev = py(0);
  double f_prev = f;
  flat g_prev = g;
  number gtd_prev = gtd;
  bool done = false;
  int ls_iter = 0;
  std::vector<number> bracket;
  std::vector<double> bracket_f;
  std::vector<flat> bracket_g;
  std::vector<number> bracket_gtd;
  // Evaluates the objective at step t: one more line-search iteration.
  const auto step_to = [&](number at) {
    e = obj_func(at);
    f_new = e.f;
    g_new = e.g;
    ls_func_evals += 1;
    gtd_new = tensor(dot_d(g_new));
    ls_iter += 1;
  };
  while (ls_iter < max_ls) {
    // check conditions
    if (f_new > (f + c1 * t * gtd) || (ls_iter > 1 && f_new >= f_prev)) {
      bracket = {t_prev, t};
      bracket_f = {f_prev, f_new};
      bracket_g = {g_prev, g_new};
      bracket_gtd = {gtd_prev, gtd_new};
      break;
    }
    if (abs_of(gtd_new) <= -c2 * gtd) {
      bracket = {t};
      bracket_f = {f_new};
      bracket_g = {g_new};
      done = true;
      break;
    }
    if (gtd_new >= 0.0) {
      bracket = {t_prev, t};
      bracket_f = {f_prev, f_new};
      bracket_g = {g_prev, g_new};
      bracket_gtd = {gtd_prev, gtd_new};
      break;
    }
    // interpolate
    const number min_step = t + 0.01 * (t - t_prev);
    const number max_step = t * 10.0;
    const number tmp = t;
    t = cubic_interpolate(t_prev, f_prev, gtd_prev, t, f_new, gtd_new, bounds{min_step, max_step});

    // next step
    t_prev = tmp;
    f_prev = f_new;
    g_prev = g_new;
    gtd_prev = gtd_new;
    step_to(t);
  }

  // reached max number of iterations?
  if (ls_iter == max_ls) {
    bracket = {py(0), t};
    bracket_f = {f, f_new};
    bracket_g = {g, g_new};
  }

  // zoom phase: we now have a point satisfying the criteria, or a bracket
  // around it. We refine the bracket until we find the exact point
  // satisfying the criteria
  bool insuf_progress = false;
  // find high and low points in bracket
  std::size_t low_pos = bracket_f.front() <= bracket_f.back() ? 0 : 1;
  std::size_t high_pos = 1 - low_pos;
  while (!done && ls_iter < max_ls) {
    // line-search bracket is so small
    if (abs_of(bracket[1] - bracket[0]) * d_norm < tolerance_change) break;

    // compute new trial value
    t = cubic_interpolate(bracket[0], bracket_f[0], bracket_gtd[0], bracket[1], bracket_f[1], bracket_gtd[1]);

    // Test that we are making sufficient progress: if `t` is so close to a
    // boundary, mark the progress insufficient, and if we made insufficient
    // progress in the last step or `t` is at a boundary, move `t` to
    // 0.1 * len(bracket) away from the nearest boundary point.
    const number bracket_max = py_max(bracket[0], bracket[1]);
    const number bracket_min = py_min(bracket[0], bracket[1]);
    const number eps = 0.1 * (bracket_max - bracket_min);
    if (py_min(bracket_max - t, t - bracket_min) < eps) {
      // interpolation close to boundary
      if (insuf_progress || t >= bracket_max || t <= bracket_min) {
        // evaluate at 0.1 away from boundary
        if (abs_of(t - bracket_max) < abs_of(t - bracket_min))
          t = bracket_max - eps;
        else
          t = bracket_min + eps;
        insuf_progress = false;
      } else {
        insuf_progress = true;
      }
    } else {
      insuf_progress = false;
    }

    // Evaluate new point
    step_to(t);

    if (f_new > (f + c1 * t * gtd) || f_new >= bracket_f[low_pos]) {
      // Armijo condition not satisfied or not lower than lowest point
      bracket[high_pos] = t;
      bracket_f[high_pos] = f_new;
      bracket_g[high_pos] = g_new;
      bracket_gtd[high_pos] = gtd_new;
      low_pos = bracket_f[0] <= bracket_f[1] ? 0 : 1;
      high_pos = 1 - low_pos;
    } else {
      if (abs_of(gtd_new) <= -c2 * gtd) {
        // Wolfe conditions satisfied
        done = true;
      } else if (gtd_new * (bracket[high_pos] - bracket[low_pos]) >= 0.0) {
        // old high becomes new low
        bracket[high_pos] = bracket[low_pos];
        bracket_f[high_pos] = bracket_f[low_pos];
        bracket_g[high_pos] = bracket_g[low_pos];
        bracket_gtd[high_pos] = bracket_gtd[low_pos];
      }
      // new point becomes new low
      bracket[low_pos] = t;
      bracket_f[low_pos] = f_new;
      bracket_g[low_pos] = g_new;
      bracket_gtd[low_pos] = gtd_new;
    }
  }
  return {bracket_f[low_pos], bracket_g[low_pos], bracket[low_pos], ls_func_evals};
}

int as_int(std::size_t n, const char* what) {
  if (n > static_cast<std::size_t>(std::numeric_limits<int>::max()))
    throw error(error_code::invalid_argument,
                std::string("lbfgs: ") + what + " has more than 2^31 - 1 elements");
  return static_cast<int>(n);
}

constexpr std::string_view state_magic = "AERECLBF";

// f(slice, p, n) for each parameter p and its slice of the flat vector `all`
// (n elements), in order: torch.cat's layout.
template <class F>
void for_each_slice(const std::vector<parameter>& params, float* all, F&& f) {
  std::size_t offset = 0;
  for (const parameter& p : params) {
    f(all + offset, p, static_cast<int>(p.size));
    offset += p.size;
  }
}

}  // namespace

void validate(const lbfgs_config& c) {
  const auto fail = [](const std::string& what) {
    throw error(error_code::invalid_argument, "lbfgs: " + what);
  };
  if (!(std::isfinite(c.lr) && c.lr > 0)) fail("lr must be a positive number");
  if (c.max_iter < 1) fail("max_iter must be at least 1");
  if (c.max_eval < 0) fail("max_eval must be at least 1 (or 0 for max_iter * 5 / 4)");
  if (!(std::isfinite(c.tolerance_grad) && c.tolerance_grad >= 0))
    fail("tolerance_grad must be a number >= 0");
  if (!(std::isfinite(c.tolerance_change) && c.tolerance_change >= 0))
    fail("tolerance_change must be a number >= 0");
  if (c.history_size < 1) fail("history_size must be at least 1");
}

lbfgs::lbfgs(backend& b, const lbfgs_config& config, std::vector<parameter> params)
    : backend_(b), config_(config), params_(std::move(params)) {
  validate(config_);
  if (config_.max_eval == 0) config_.max_eval = config_.max_iter * 5 / 4;
  std::size_t total = 0;
  for (const parameter& p : params_) total += p.size;
  numel_ = as_int(total, "the parameter vector");
  if (numel_ == 0) throw error(error_code::invalid_argument, "lbfgs: no parameters to optimize");
}

lbfgs::flat_vector lbfgs::new_vector() const {
  return std::make_shared<device_array<float>>(backend_, static_cast<std::size_t>(numel_));
}

// alpha * x, a new vector (alpha = -1: neg(); 1: clone()).
lbfgs::flat_vector lbfgs::scaled(float alpha, const flat_vector& x) const {
  flat_vector out = new_vector();
  backend_.copy(numel_, x->data(), out->data());
  if (alpha != 1) backend_.scal(numel_, alpha, out->data());
  return out;
}

// y += alpha * x (torch's y.add_(x, alpha=alpha)).
void lbfgs::add_scaled(float alpha, const flat_vector& x, const flat_vector& y) const {
  backend_.axpy(numel_, alpha, x->data(), y->data());
}

float lbfgs::dot(const flat_vector& a, const flat_vector& b) const {
  return backend_.dot(numel_, a->data(), b->data());
}

// The backend has no reductions besides sums of products, so x.abs().max()
// and x.abs().sum() read the vector back.
float lbfgs::abs_max(const flat_vector& x) const {
  float m = 0;
  for (const float v : x->download(static_cast<std::size_t>(numel_))) m = std::max(m, std::fabs(v));
  return m;
}
float lbfgs::abs_sum(const flat_vector& x) const {
  double sum = 0;
  for (const float v : x->download(static_cast<std::size_t>(numel_))) sum += std::fabs(v);
  return static_cast<float>(sum);
}

// Each parameter's gradient into one slice of a new flat vector (torch.cat).
lbfgs::flat_vector lbfgs::gather_flat_grad() const {
  flat_vector out = new_vector();
  for_each_slice(params_, out->data(),
                 [&](float* slice, const parameter& p, int n) { backend_.copy(n, p.grad, slice); });
  return out;
}

// p.add_(update slice, alpha=step_size) for each parameter.
void lbfgs::add_grad(number step_size, const flat_vector& update) const {
  const auto alpha = static_cast<float>(step_size.value);
  for_each_slice(params_, update->data(),
                 [&](float* slice, const parameter& p, int n) { backend_.axpy(n, alpha, slice, p.value); });
}

lbfgs::flat_vector lbfgs::clone_params() const {
  flat_vector out = new_vector();
  for_each_slice(params_, out->data(),
                 [&](float* slice, const parameter& p, int n) { backend_.copy(n, p.value, slice); });
  return out;
}

void lbfgs::set_params(const flat_vector& x) const {
  for_each_slice(params_, x->data(),
                 [&](float* slice, const parameter& p, int n) { backend_.copy(n, slice, p.value); });
}

// The L-BFGS update (update memory, then the two-loop recursion) that sets d
// from every iteration after the first.
void lbfgs::update_direction(const flat_vector& flat_grad) {
  const flat_vector y = scaled(1.0f, flat_grad);
  add_scaled(-1.0f, prev_flat_grad_, y);  // y = flat_grad - prev_flat_grad
  const flat_vector s = scaled(static_cast<float>(t_.value), d_);
  const float ys = dot(y, s);  // y*s
  if (ys > static_cast<float>(1e-10)) {
    // updating memory
    if (old_dirs_.size() == static_cast<std::size_t>(config_.history_size)) {
      // shift history by one (limited-memory)
      old_dirs_.pop_front();
      old_stps_.pop_front();
      ro_.pop_front();
    }
    // store new direction/step
    old_dirs_.push_back(y);
    old_stps_.push_back(s);
    ro_.push_back(1.0f / ys);
    // update scale of initial Hessian approximation
    h_diag_ = ys / dot(y, y);  // (y*y)
  }

  // compute the approximate (L-BFGS) inverse Hessian multiplied by the gradient
  const std::size_t num_old = old_dirs_.size();
  std::vector<float> al(num_old);
  // iteration in L-BFGS loop collapsed to use just one buffer
  const flat_vector q = scaled(-1.0f, flat_grad);
  for (std::size_t i = num_old; i-- > 0;) {
    al[i] = dot(old_stps_[i], q) * ro_[i];
    add_scaled(-al[i], old_dirs_[i], q);
  }
  // multiply by initial Hessian; r/d is the final direction
  const flat_vector r = scaled(h_diag_, q);
  for (std::size_t i = 0; i < num_old; ++i) {
    const float be_i = dot(old_dirs_[i], r) * ro_[i];
    add_scaled(al[i] - be_i, old_stps_[i], r);
  }
  d_ = r;
}

double lbfgs::step(const std::function<double()>& closure) {
  const float tolerance_grad = static_cast<float>(config_.tolerance_grad);
  const double tolerance_change = config_.tolerance_change;

  // evaluate initial f(x) and df/dx
  const double orig_loss = closure();
  double loss = orig_loss;
  int current_evals = 1;
  func_evals_ += 1;

  flat_vector flat_grad = gather_flat_grad();
  bool opt_cond = abs_max(flat_grad) <= tolerance_grad;
  // optimal condition
  if (opt_cond) return orig_loss;

  int n_iter = 0;
  // optimize for a max of max_iter iterations
  while (n_iter < config_.max_iter) {
    // keep track of nb of iterations
    n_iter += 1;
    n_iter_ += 1;

    // compute gradient descent direction
    if (n_iter_ == 1) {
      d_ = scaled(-1.0f, flat_grad);
      old_dirs_.clear();
      old_stps_.clear();
      ro_.clear();
      h_diag_ = 1;
    } else {
      update_direction(flat_grad);
    }
    // torch copies flat_grad into prev_flat_grad; flat gradients are never
    // changed in place, so sharing it is the same.
    prev_flat_grad_ = flat_grad;
    prev_loss_ = loss;

    // compute step length: reset initial guess for step size
    if (n_iter_ == 1)
      t_ = py_min(py(1.0), 1.0 / tensor(abs_sum(flat_grad))) * config_.lr;
    else
      t_ = py(config_.lr);

    // directional derivative
    const number gtd = tensor(dot(flat_grad, d_));  // g * d
    // directional derivative is below tolerance
    if (gtd > -tolerance_change) break;

    // optional line search: user function
    int ls_func_evals = 0;
    if (config_.strong_wolfe) {
      const flat_vector x_init = clone_params();
      const flat_vector d = d_;
      const auto obj_func = [&](number t) {
        // _directional_evaluate
        add_grad(t, d);
        const double f = closure();
        flat_vector g = gather_flat_grad();
        set_params(x_init);
        return evaluation{f, std::move(g)};
      };
      const auto dot_d = [&](const flat& g) { return dot(g, d); };
      const line_search_result r = strong_wolfe(obj_func, dot_d, t_, abs_max(d), loss, flat_grad, gtd);
      loss = r.f;
      flat_grad = r.g;
      t_ = r.t;
      ls_func_evals = r.evals;
      add_grad(t_, d_);
      opt_cond = abs_max(flat_grad) <= tolerance_grad;
    } else {
      // no line search, simply move with fixed-step
      add_grad(t_, d_);
      if (n_iter != config_.max_iter) {
        // re-evaluate function only if not in last iteration (in a
        // stochastic setting, there is no use re-evaluating it here)
        loss = closure();
        flat_grad = gather_flat_grad();
        opt_cond = abs_max(flat_grad) <= tolerance_grad;
        ls_func_evals = 1;
      }
    }
    // update func eval
    current_evals += ls_func_evals;
    func_evals_ += ls_func_evals;

    // check conditions
    if (n_iter == config_.max_iter) break;
    if (current_evals >= config_.max_eval) break;
    // optimal condition
    if (opt_cond) break;
    // lack of progress: d.mul(t).abs().max(), which rounding (monotonic)
    // makes |t| * d.abs().max() rounded once
    const float step_max = std::fabs(static_cast<float>(t_.value)) * abs_max(d_);
    if (step_max <= static_cast<float>(tolerance_change)) break;
    if (std::fabs(loss - prev_loss_) < tolerance_change) break;
  }
  return orig_loss;
}

std::string lbfgs::save_state() const {
  binary_writer w;
  w.put_bytes(state_magic);
  w.put(static_cast<std::uint64_t>(numel_));
  w.put(static_cast<std::int64_t>(func_evals_));
  w.put(static_cast<std::int64_t>(n_iter_));
  if (n_iter_ == 0) return std::move(w.bytes());  // no iteration yet: no direction or history
  const auto n = static_cast<std::size_t>(numel_);
  w.put(t_.value);
  w.put(static_cast<std::uint8_t>(t_.tensor));
  w.put(h_diag_);
  w.put(prev_loss_);
  w.put(static_cast<std::uint64_t>(old_dirs_.size()));
  for (const float r : ro_) w.put(r);
  w.put_array(std::span<const float>(d_->download(n)));
  w.put_array(std::span<const float>(prev_flat_grad_->download(n)));
  for (std::size_t i = 0; i < old_dirs_.size(); ++i) {
    w.put_array(std::span<const float>(old_dirs_[i]->download(n)));
    w.put_array(std::span<const float>(old_stps_[i]->download(n)));
  }
  return std::move(w.bytes());
}

void lbfgs::load_state(std::string_view bytes, const std::string& source) {
  binary_reader r(bytes, source + ": L-BFGS state");
  if (r.size() < state_magic.size() || r.take(state_magic.size()) != state_magic) r.fail("not L-BFGS state");
  const auto numel = r.get<std::uint64_t>();
  const auto func_evals = r.get<std::int64_t>();
  const auto n_iter = r.get<std::int64_t>();
  if (numel != static_cast<std::uint64_t>(numel_))
    r.fail("holds " + std::to_string(numel) + " parameters, this model has " + std::to_string(numel_));
  if (func_evals < 0 || n_iter < 0) r.fail("negative counters");
  const auto n = static_cast<std::size_t>(numel_);
  const auto take_vector = [&] {
    flat_vector v = new_vector();
    backend_.to_device(v->data(), r.take(n * sizeof(float)).data(), n * sizeof(float));
    return v;
  };
  number t;
  float h_diag = 1;
  double prev_loss = 0;
  std::deque<float> ro;
  std::deque<flat_vector> dirs;
  std::deque<flat_vector> stps;
  flat_vector d;
  flat_vector prev_flat_grad;
  if (n_iter > 0) {
    t.value = r.get<double>();
    const auto t_tensor = r.get<std::uint8_t>();
    h_diag = r.get<float>();
    prev_loss = r.get<double>();
    const auto count = r.get<std::uint64_t>();
    if (t_tensor > 1 || count > static_cast<std::uint64_t>(config_.history_size))
      r.fail("does not fit L-BFGS with history_size " + std::to_string(config_.history_size));
    t.tensor = t_tensor == 1;
    // Check the size before allocating anything: ro, then d, prev_flat_grad
    // and the history's pairs, each n floats.
    const std::uint64_t vector_bytes = n * sizeof(float);
    const std::uint64_t ro_bytes = count * sizeof(float);
    if (r.size() < ro_bytes || (r.size() - ro_bytes) % vector_bytes != 0 ||
        (r.size() - ro_bytes) / vector_bytes != 2 + 2 * count)
      r.fail("does not fit L-BFGS on this model");
    for (std::uint64_t i = 0; i < count; ++i) ro.push_back(r.get<float>());
    d = take_vector();
    prev_flat_grad = take_vector();
    for (std::uint64_t i = 0; i < count; ++i) {
      dirs.push_back(take_vector());
      stps.push_back(take_vector());
    }
  }
  if (!r.empty()) r.fail("does not fit L-BFGS on this model");
  func_evals_ = static_cast<long>(func_evals);
  n_iter_ = static_cast<long>(n_iter);
  t_ = t;
  h_diag_ = h_diag;
  prev_loss_ = prev_loss;
  ro_ = std::move(ro);
  old_dirs_ = std::move(dirs);
  old_stps_ = std::move(stps);
  d_ = std::move(d);
  prev_flat_grad_ = std::move(prev_flat_grad);
}

}  // namespace aerec
