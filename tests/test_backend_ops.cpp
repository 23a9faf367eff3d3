// The backend conformance suite, in the manner of ggml's test-backend-ops: a
// table of operation cases (every core primitive and every op family's
// operations, on empty, tiny, odd and large shapes), each generating its
// inputs and running the operation, run on every backend under test and
// compared with the reference backend within the case's stated tolerance.
// aerec_tests runs it on the reference, the CPU at 1, 2 and 3 threads and the
// guarded backends (backends_under_test.cpp); aerec_cuda_tests on the CUDA
// backend (cuda/backends_under_test.cpp). Also: the CPU's results do not
// depend on its thread count, and a family's host implementation gives the
// same bits staged through a backend's to_host/to_device as in place.
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "aerec/backend/cpu_backend.h"
#include "aerec/backend/device_array.h"
#include "aerec/backend/ops/conv_ops.h"
#include "aerec/backend/ops/elementwise_ops.h"
#include "aerec/backend/ops/glocal_ops.h"
#include "aerec/backend/ops/loss_ops.h"
#include "aerec/backend/ops/lstm_ops.h"
#include "aerec/backend/ops/optimizer_ops.h"
#include "aerec/backend/ops/penalty_ops.h"
#include "aerec/backend/ops/pixel_loss_ops.h"
#include "aerec/backend/ops/pool_ops.h"
#include "aerec/backend/ops/sequence_ops.h"
#include "aerec/backend/ops/softmax_ops.h"
#include "aerec/backend/ops/variational_ops.h"
#include "backend_ops.h"

using namespace aerec;
using namespace aerec::testing;

namespace {

// Host backends against the reference: most operations are the same loops in
// the same order (the same bits); sums in another order or precision, and
// fused multiply-adds, agree to float rounding: 1e-5 relatively, or 1e-5 of
// the largest |value| of the array (at least 1), since a long sum's rounding
// follows the size of its terms; the CPU's vectorised e^x to a few ulp of libm's.
constexpr tolerance rounding{1e-5, 1e-5, true};
constexpr tolerance vector_exp{1e-6, 1e-6};
// The CPU's BCE takes its logs eight at a time (about 1 ulp), libm's one by one.
constexpr tolerance vector_log{1e-6, 1e-6};
// A GPU sums in other orders, with fused multiply-adds and its own libm:
// 1e-4 relatively, or 1e-5 of the largest |value| of the array (at least 1).
constexpr tolerance gpu{1e-4, 1e-5, true};

// Whether backend b implements op family F itself.
template <class F>
bool implements(backend& b) {
  return dynamic_cast<F*>(&b) != nullptr;
}

struct op_case {
  std::string name;
  // Generates the inputs on the workspace's backend and runs the operation.
  std::function<void(workspace&)> run;
  tolerance on_host = same_bits;  // for backends that compute on the CPU
  tolerance on_device = gpu;
  // The case's op family: whether a backend implements it (null: a core primitive).
  bool (*family)(backend&) = nullptr;
  // Whether the CPU gives the same bits with any thread count.
  bool thread_invariant = true;
};

// A case of op family F: op(b's F, w) on the workspace's backend b.
template <class F>
op_case family_case(std::string name, std::function<void(F&, workspace&)> op, tolerance on_host = same_bits,
                    tolerance on_device = gpu) {
  return {std::move(name), [op = std::move(op)](workspace& w) { op(ops<F>(w.device()), w); }, on_host,
          on_device, implements<F>};
}

outcome run_case(const op_case& c, backend& b) {
  workspace w(b);
  c.run(w);
  return w.read_back();
}

// Whether b runs case c on its family's host implementation through staging.
bool staged(const op_case& c, backend& b) { return c.family && !b.host_memory() && !c.family(b); }

// Each case on every backend under test against the reference, within its
// tolerance; `staged_only`: only where a backend stages the case's family,
// which must give the reference's bits (the same loops, in place there).
void check(const std::vector<op_case>& cases, bool staged_only = false) {
  const std::unique_ptr<backend> reference = make_reference_backend();
  std::vector<backend_under_test> under_test = backends_under_test();
  for (const op_case& c : cases) {
    const outcome expected = run_case(c, *reference);
    std::map<std::string, outcome> results;
    for (backend_under_test& t : under_test) {
      const bool host_fallback = staged(c, *t.device);
      if (host_fallback != staged_only) continue;
      const std::string what = c.name + ", on " + t.name;
      outcome actual = run_case(c, *t.device);
      require_matches(actual, expected, staged_only ? same_bits : t.on_host ? c.on_host : c.on_device, what);
      if (!t.same_bits_as.empty() && c.thread_invariant)
        require_matches(actual, results.at(t.same_bits_as), same_bits, what + " against " + t.same_bits_as);
      results.emplace(t.name, std::move(actual));
    }
  }
}

struct shape {
  int rows, k, n;
};
// Empty, tiny and odd; wide enough to thread and vectorise on the CPU; and
// large on a GPU: 300 x 700 with 129 columns (several blocks and a ragged last
// one), and rows of 2500 and 1031 (longer than a block of threads).
const shape shapes[] = {{0, 4, 6},      {1, 1, 1},       {3, 7, 5},      {17, 33, 19},
                        {128, 96, 300}, {300, 700, 129}, {6, 2500, 1031}};
const float densities[] = {0.0f, 0.1f, 0.6f};

std::string describe(const shape& s) {
  return std::to_string(s.rows) + " x " + std::to_string(s.k) + " x " + std::to_string(s.n);
}
std::string describe(const shape& s, float density) {
  return describe(s) + " density " + std::to_string(density);
}

// A pointer to the array, or null: operations whose arrays are optional.
template <class T>
T* or_null(bool present, T* p) {
  return present ? p : nullptr;
}

std::vector<op_case> memory_and_blas1_cases() {
  std::vector<op_case> all;
  for (const std::size_t n : {std::size_t(0), std::size_t(1), std::size_t(7), std::size_t(300 * 700 + 3)})
    all.push_back(
        {"fill " + std::to_string(n), [=](workspace& w) { w.device().fill(w.out(nans(n)), n, 2.5f); }});
  // 17 and 18 elements: the two sides of Eigen's switch from coefficient-wise
  // products to its GEMV kernels, which the CPU's BLAS-1 goes through.
  for (const int n : {0, 1, 7, 17, 18, 100003}) {
    const std::string size = " " + std::to_string(n);
    const auto elements = static_cast<std::size_t>(n);
    all.push_back({"copy" + size, [=](workspace& w) {
                     const auto x = w.random(elements);
                     w.device().copy(n, w.in(x), w.out(nans(elements)));
                   }});
    all.push_back({"scal" + size, [=](workspace& w) {
                     const auto x = w.random(elements);
                     w.device().scal(n, -0.75f, w.out(x));
                   }});
    all.push_back({"axpy" + size,
                   [=](workspace& w) {
                     const auto x = w.random(elements), y = w.random(elements);
                     w.device().axpy(n, -0.75f, w.in(x), w.out(y));
                   },
                   rounding});
    all.push_back({"dot" + size,
                   [=](workspace& w) {
                     const auto x = w.random(elements), y = w.random(elements);
                     w.returned(w.device().dot(n, w.in(x), w.in(y)));
                   },
                   rounding});
  }
  return all;
}

std::vector<op_case> gemm_cases() {
  std::vector<op_case> all;
  // An empty depth too: C is beta * C alone (NaN gone at beta 0).
  std::vector<shape> gemm_shapes(std::begin(shapes), std::end(shapes));
  gemm_shapes.push_back({5, 0, 3});
  for (const shape s : gemm_shapes)
    for (const bool ta : {false, true})
      for (const bool tb : {false, true})
        for (const float beta : {0.0f, 1.0f, 0.5f})
          all.push_back({"gemm " + describe(s) + (ta ? " A^T" : " A") + (tb ? " B^T" : " B") + " beta " +
                             std::to_string(beta),
                         [=](workspace& w) {
                           const auto a = w.random(count(s.rows, s.k)), b = w.random(count(s.k, s.n));
                           const auto c = w.start(beta, count(s.rows, s.n));
                           const const_matrix_view av = ta ? w.in(a, s.k, s.rows) : w.in(a, s.rows, s.k);
                           const const_matrix_view bv = tb ? w.in(b, s.n, s.k) : w.in(b, s.k, s.n);
                           w.device().gemm(ta, tb, 0.75f, av, bv, beta, w.out(c, s.rows, s.n));
                         },
                         rounding, gpu, nullptr, false});
  return all;
}

std::vector<op_case> sparse_cases() {
  std::vector<op_case> all;
  for (const shape s : shapes)
    for (const float density : densities) {
      const std::string what = describe(s, density);
      for (const float beta : {0.0f, 1.0f}) {
        const std::string with_beta = what + " beta " + std::to_string(beta);
        all.push_back({"sparse_dense " + with_beta,
                       [=](workspace& w) {
                         const sparse_batch x = w.random_sparse(s.rows, s.k, density);
                         const auto weights = w.random(count(s.k, s.n));
                         const auto c = w.start(beta, count(s.rows, s.n));
                         w.device().sparse_dense(w.in(x), w.in(weights, s.k, s.n), beta,
                                                 w.out(c, s.rows, s.n));
                       },
                       rounding});
        all.push_back({"sparse_t_dense " + with_beta,
                       [=](workspace& w) {
                         const sparse_batch x = w.random_sparse(s.rows, s.k, density);
                         const auto d = w.random(count(s.rows, s.n));
                         const auto g = w.start(beta, count(s.k, s.n));
                         w.device().sparse_t_dense(w.in(x), w.in(d, s.rows, s.n), beta, w.out(g, s.k, s.n));
                       },
                       rounding});
      }
      all.push_back({"sparse_t_dense_rows " + what,
                     [=](workspace& w) {
                       // The rows with entries start as NaN, which they must overwrite; the
                       // others as 0, which they keep, as the whole product has them.
                       const sparse_batch x = w.random_sparse(s.rows, s.k, density);
                       const auto d = w.random(count(s.rows, s.n));
                       std::vector<float> g(count(s.k, s.n), 0.0f);
                       for (const int c : x.cols_index)
                         std::fill_n(g.begin() + static_cast<std::ptrdiff_t>(count(c, s.n)), s.n, NAN);
                       w.device().sparse_t_dense_rows(w.in(x), w.in(d, s.rows, s.n), w.out(g, s.k, s.n));
                     },
                     rounding});
      for (const bool with_bias : {false, true})
        all.push_back({"sampled_product " + what + (with_bias ? " with bias" : ""),
                       [=](workspace& w) {
                         // x's pattern (rows x k) as entries of d (rows x n) times weights^T (k x n).
                         const sparse_batch x = w.random_sparse(s.rows, s.k, density);
                         const auto d = w.random(count(s.rows, s.n)), weights = w.random(count(s.k, s.n));
                         const auto bias = w.random(std::size_t(s.k));
                         float* out = w.out(nans(std::size_t(x.nnz())));
                         w.device().sampled_product(w.in(d, s.rows, s.n), w.in(weights, s.k, s.n), w.in(x),
                                                    or_null(with_bias, w.in(bias)), out);
                       },
                       rounding});
      all.push_back({"gather " + what, [=](workspace& w) {
                       const sparse_batch x = w.random_sparse(s.rows, s.k, density);
                       const auto dense = w.random(count(s.rows, s.k));
                       w.device().gather(w.in(dense, s.rows, s.k), w.in(x),
                                         w.out(nans(std::size_t(x.nnz()))));
                     }});
      all.push_back({"scatter " + what, [=](workspace& w) {
                       const sparse_batch x = w.random_sparse(s.rows, s.k, density);
                       w.device().scatter(w.in(x), w.out(nans(count(s.rows, s.k)), s.rows, s.k));
                     }});
    }
  return all;
}

std::vector<op_case> elementwise_cases() {
  std::vector<op_case> all;
  const auto add = [&](auto&&... c) { all.push_back(family_case<elementwise_ops>(c...)); };
  for (const shape s : shapes) {
    const int rows = s.rows, cols = s.n;
    const std::size_t n = count(rows, cols);
    const std::string what = describe(s);
    add("multiply " + what, [=](elementwise_ops& e, workspace& w) {
      const auto a = w.random(n, -3, 3), b = w.random(n, -3, 3);
      e.multiply(w.in(a, rows, cols), w.in(b, rows, cols), w.out(nans(n), rows, cols));
    });
    add("multiply in place " + what, [=](elementwise_ops& e, workspace& w) {
      const auto a = w.random(n, -3, 3), b = w.random(n, -3, 3);
      const matrix_view x = w.out(a, rows, cols);
      e.multiply(x, w.in(b, rows, cols), x);
    });
    add("add_row_vector " + what, [=](elementwise_ops& e, workspace& w) {
      const auto y = w.random(n, -3, 3), bias = w.random(std::size_t(cols));
      e.add_row_vector(w.out(y, rows, cols), w.in(bias));
    });
    for (const float beta : {0.0f, 0.5f})
      add(
          "column_sums " + what + " beta " + std::to_string(beta),
          [=](elementwise_ops& e, workspace& w) {
            const auto x = w.random(n, -3, 3), sums = w.start(beta, std::size_t(cols));
            e.column_sums(w.in(x, rows, cols), beta, w.out(sums));
          },
          rounding);
    for (const activation act : all_activations()) {
      const std::string name = std::string(activation_name(act)) + " " + what;
      // z in [-6, 6], some far into the saturated tails, where exp over- and underflows.
      const auto inputs = [=](workspace& w) {
        std::vector<float> z = w.random(n, -6, 6);
        for (std::size_t i = 0; i < z.size(); i += 13) z[i] = i % 2 ? 60.0f : -60.0f;
        return z;
      };
      add(
          "activation_forward " + name,
          [=](elementwise_ops& e, workspace& w) {
            e.activation_forward(act, w.in(inputs(w), rows, cols), w.out(nans(n), rows, cols));
          },
          vector_exp);
      // Any y: the derivative is a formula in z and y = act(z).
      add("activation_backward " + name, [=](elementwise_ops& e, workspace& w) {
        const auto z = inputs(w), y = w.random(n), dy = w.random(n, -3, 3);
        e.activation_backward(act, w.in(z, rows, cols), w.in(y, rows, cols), w.in(dy, rows, cols),
                              w.out(nans(n), rows, cols));
      });
    }
  }
  // Over the whole float range: the CPU's vectorised e^x within 4 ulp of libm's
  // (or 1e-30 where the result underflows).
  std::vector<float> sweep;
  for (float v = -100; v <= 100; v += 0.0037f) sweep.push_back(v);
  for (float v = 1e-30f; v < 1; v *= 1.7f) sweep.push_back(v), sweep.push_back(-v);
  for (const float v : {0.0f, -0.0f, 0.35f, -0.35f, 88.0f, -88.0f, 1e30f, -1e30f}) sweep.push_back(v);
  const int width = static_cast<int>(sweep.size());
  for (const activation act : all_activations())
    add(
        std::string("activation_forward ") + activation_name(act) + " from -1e30 to 1e30",
        [=](elementwise_ops& e, workspace& w) {
          e.activation_forward(act, w.in(sweep, 1, width), w.out(nans(sweep.size()), 1, width));
        },
        tolerance{4 * 1.2e-7, 1e-30}, tolerance{1e-4, 1e-30});
  return all;
}

std::vector<op_case> loss_cases() {
  std::vector<op_case> all;
  const auto add = [&](auto&&... c) { all.push_back(family_case<loss_ops>(c...)); };
  for (const shape s : shapes)
    for (const float density : densities) {
      const int rows = s.rows, cols = s.k;
      const std::string what = describe(s, density);
      add("masked_squared_error " + what, [=](loss_ops& l, workspace& w) {
        const sparse_batch target = w.random_sparse(rows, cols, density);
        const auto output = w.random(count(rows, cols), 0, 5);
        const matrix_view grad = w.out(nans(output.size()), rows, cols);
        l.masked_squared_error(w.in(output, rows, cols), w.in(target), 0.25f, grad,
                               w.out(nans(std::size_t(rows))));
      });
      add("rated_squared_error " + what, [=](loss_ops& l, workspace& w) {
        const sparse_batch target = w.random_sparse(rows, cols, density);
        const auto predicted = w.random(std::size_t(target.nnz()), 0, 5);
        l.rated_squared_error(w.in(predicted), w.in(target), 0.25f, w.out(nans(predicted.size())),
                              w.out(nans(std::size_t(rows))));
      });
      add("multinomial_loss " + what, [=](loss_ops& l, workspace& w) {
        const sparse_batch target = w.random_sparse(rows, cols, density);
        const auto logits = w.random(count(rows, cols), -4, 4);
        l.multinomial_loss(w.in(logits, rows, cols), w.in(target), 0.5f,
                           w.out(nans(logits.size()), rows, cols), w.out(nans(std::size_t(rows))));
      });
    }
  return all;
}

// Shapes over which a batch mean is defined (penalties and the Gaussian code divide by rows).
std::vector<shape> nonempty_shapes() {
  std::vector<shape> all;
  for (const shape s : shapes)
    if (s.rows > 0) all.push_back(s);
  return all;
}

std::vector<op_case> penalty_cases() {
  std::vector<op_case> all;
  const auto add = [&](auto&&... c) { all.push_back(family_case<penalty_ops>(c...)); };
  for (const shape s : nonempty_shapes()) {
    const int rows = s.rows, units = s.n, inputs = s.k;
    const std::size_t n = count(rows, units);
    for (const activity_kind kind : {activity_kind::l1, activity_kind::kl}) {
      const aerec::activity_penalty p{kind, kind == activity_kind::l1 ? 0.003f : 0.1f, 0.05f, -1};
      const std::string what = std::string(activity_kind_name(kind)) + " " + describe(s);
      // h in (0.01, 0.99): sigmoid's range.
      add("activity_penalty without d_out " + what, [=](penalty_ops& o, workspace& w) {
        const auto h = w.random(n, 0.01f, 0.99f), d_in = w.random(n);
        w.returned(o.activity_penalty(p, w.in(h, rows, units), w.in(d_in, rows, units), nullptr));
      });
      add("activity_penalty " + what, [=](penalty_ops& o, workspace& w) {
        const auto h = w.random(n, 0.01f, 0.99f), d_in = w.random(n);
        w.returned(o.activity_penalty(p, w.in(h, rows, units), w.in(d_in, rows, units), w.out(nans(n))));
      });
      add("activity_penalty in place " + what, [=](penalty_ops& o, workspace& w) {
        const auto h = w.random(n, 0.01f, 0.99f), d_in = w.random(n);
        const matrix_view d = w.out(d_in, rows, units);
        w.returned(o.activity_penalty(p, w.in(h, rows, units), d, d.data));
      });
    }
    for (const activation act : {activation::sigmoid, activation::tanh})
      for (const bool with_d_out : {false, true})
        for (const bool with_w_grad : {false, true})
          add(std::string("contractive_penalty ") + activation_name(act) + " " + describe(s) +
                  (with_d_out ? " d_out" : "") + (with_w_grad ? " w_grad" : ""),
              [=](penalty_ops& o, workspace& w) {
                // y in act's range.
                const auto y =
                    act == activation::sigmoid ? w.random(n, 0.01f, 0.99f) : w.random(n, -0.99f, 0.99f);
                const auto d_in = w.random(n), weights = w.random(count(inputs, units));
                const auto w_grad = w.random(weights.size());
                float* d_out = w.out(nans(n));
                float* wg = w.out(w_grad);  // added to
                w.returned(o.contractive_penalty(act, 0.05f, w.in(weights, inputs, units),
                                                 w.in(y, rows, units), w.in(d_in, rows, units),
                                                 or_null(with_d_out, d_out), or_null(with_w_grad, wg)));
              });
    const std::string what = describe(s);
    add("contractive_penalty in place " + what, [=](penalty_ops& o, workspace& w) {
      const auto y = w.random(n, 0.01f, 0.99f), d_in = w.random(n), weights = w.random(count(inputs, units));
      const matrix_view d = w.out(d_in, rows, units);
      w.returned(o.contractive_penalty(activation::sigmoid, 0.05f, w.in(weights, inputs, units),
                                       w.in(y, rows, units), d, d.data, nullptr));
    });
  }
  return all;
}

std::vector<op_case> variational_cases() {
  std::vector<op_case> all;
  const auto add = [&](auto&&... c) { all.push_back(family_case<variational_ops>(c...)); };
  for (const shape s : nonempty_shapes()) {
    const int rows = s.rows, code = s.n;
    const std::size_t n = count(rows, code);
    for (const bool with_eps : {false, true}) {
      const std::string what = describe(s) + (with_eps ? " with eps" : " without eps");
      // x = [mu | logvar].
      add("gaussian_sample " + what, [=](variational_ops& v, workspace& w) {
        const auto x = w.random(2 * n, -2, 2), eps = w.random(n, -2, 2);
        v.gaussian_sample(w.in(x, rows, 2 * code), or_null(with_eps, w.in(eps)), w.out(nans(n), rows, code));
      });
      for (const bool with_dx : {false, true})
        add("gaussian_backward " + what + (with_dx ? " with dx" : ""), [=](variational_ops& v, workspace& w) {
          const auto x = w.random(2 * n, -2, 2), eps = w.random(n, -2, 2), dz = w.random(n);
          w.returned(v.gaussian_backward(w.in(x, rows, 2 * code), or_null(with_eps, w.in(eps)), w.in(dz),
                                         0.3f, or_null(with_dx, w.out(nans(2 * n)))));
        });
    }
  }
  return all;
}

std::vector<op_case> glocal_cases() {
  std::vector<op_case> all;
  const auto add = [&](auto&&... c) { all.push_back(family_case<glocal_ops>(c...)); };
  for (const shape s : shapes) {
    const int rows = s.rows, cols = s.k;
    // Points spread so that about half the kernel values are 0 and half positive.
    const int dim = std::min(s.n, 5);
    const std::size_t n = count(rows, cols);
    const std::string what = describe(s);
    for (const float beta : {0.0f, 1.0f})
      add("local_kernel and its backward " + what + " beta " + std::to_string(beta), [=](glocal_ops& g,
                                                                                         workspace& w) {
        const auto a = w.random(count(rows, dim), -0.5f, 0.5f), b = w.random(count(cols, dim), -0.5f, 0.5f);
        const auto weights = w.random(n), d_eff = w.random(n);
        const auto dw = w.start(beta, n), da = w.start(beta, count(rows, dim));
        const auto db = w.start(beta, count(cols, dim));
        const const_matrix_view av = w.in(a, rows, dim), bv = w.in(b, cols, dim);
        const float* wv = w.in(weights);
        float* kernel = w.out(nans(n));
        w.returned(g.local_kernel(av, bv, wv, kernel, w.out(nans(n))));
        g.local_kernel_backward(av, bv, wv, kernel, w.in(d_eff), 0.006f, beta, w.out(dw), w.out(da),
                                w.out(db));
      });
    for (const int size : {1, 3, 5})
      add("global_convolve " + what + " size " + std::to_string(size), [=](glocal_ops& g, workspace& w) {
        const auto x = w.random(n, 0, 5), k = w.random(count(size, size));
        g.global_convolve(w.in(x, rows, cols), w.in(k), size, w.out(nans(n), rows, cols));
      });
    for (const int size : {3, 5})
      add("global_convolve_kernel_grad " + what + " size " + std::to_string(size),
          [=](glocal_ops& g, workspace& w) {
            const auto x = w.random(n, 0, 5), d = w.random(n);
            g.global_convolve_kernel_grad(w.in(x, rows, cols), w.in(d, rows, cols), size,
                                          w.out(nans(count(size, size))));
          });
  }
  return all;
}

// Stride 1 to 3, padding 0 to 2 (wider than some windows), 1x1 to 5x5
// kernels, one channel or several, non-square images, and the first layer of
// an MNIST autoencoder; batches of 0, 1 and 5 images.
std::vector<op_case> conv_cases() {
  std::vector<op_case> all;
  const auto add = [&](auto&&... c) { all.push_back(family_case<conv_ops>(c...)); };
  const conv_geometry geometries[] = {{1, 5, 5, 3, 1, 1}, {3, 7, 6, 3, 2, 0}, {2, 6, 9, 4, 2, 1},
                                      {4, 3, 3, 1, 1, 0}, {2, 4, 5, 5, 3, 2}, {1, 28, 28, 3, 1, 1}};
  for (const conv_geometry g : geometries)
    for (const int rows : {0, 1, 5}) {
      const std::string what = std::to_string(g.channels) + "x" + std::to_string(g.height) + "x" +
                               std::to_string(g.width) + " kernel " + std::to_string(g.kernel) + " stride " +
                               std::to_string(g.stride) + " padding " + std::to_string(g.padding) + ", " +
                               std::to_string(rows) + " images";
      const int positions = rows * g.positions();
      add("im2col " + what, [=](conv_ops& c, workspace& w) {
        const auto images = w.random(count(rows, g.image_size()));
        c.im2col(g, w.in(images, rows, g.image_size()),
                 w.out(nans(count(g.patch(), positions)), g.patch(), positions));
      });
      add("col2im " + what, [=](conv_ops& c, workspace& w) {
        const auto columns = w.random(count(g.patch(), positions)),
                   images = w.random(count(rows, g.image_size()));
        c.col2im(g, w.in(columns, g.patch(), positions), w.out(images, rows, g.image_size()));
      });
    }
  // The direct convolutions: stride 1, padding 0 up to kernel - 1.
  const conv_geometry direct[] = {{1, 5, 5, 3, 1, 1}, {3, 7, 6, 3, 1, 0},    {2, 4, 4, 3, 1, 2},
                                  {4, 3, 3, 1, 1, 0}, {16, 14, 14, 3, 1, 1}, {2, 9, 8, 5, 1, 2}};
  for (const conv_geometry g : direct)
    for (const int outs : {1, 3, 6})
      for (const int rows : {0, 1, 3}) {
        const std::string what = std::to_string(g.channels) + "x" + std::to_string(g.height) + "x" +
                                 std::to_string(g.width) + " kernel " + std::to_string(g.kernel) +
                                 " padding " + std::to_string(g.padding) + " to " + std::to_string(outs) +
                                 ", " + std::to_string(rows) + " images";
        const int out_cols = outs * g.positions();
        const std::size_t kernels = count(outs, g.patch());
        // ReLU as the small autoencoders' layers have it, sigmoid by its vector form, identity.
        for (const activation act : {activation::relu, activation::sigmoid, activation::identity}) {
          const std::string with = what + ", " + activation_name(act);
          add("direct_correlate " + with, [=](conv_ops& c, workspace& w) {
            const auto images = w.random(count(rows, g.image_size())), weight = w.random(kernels),
                       bias = w.random(std::size_t(outs));
            c.direct_correlate(g, outs, w.in(weight), w.in(bias), act, w.in(images, rows, g.image_size()),
                               w.out(nans(count(rows, out_cols)), rows, out_cols));
          });
          for (const bool input_grad : {false, true})
            for (const float beta : {0.0f, 1.0f})
              add("direct_backward " + with + (input_grad ? " with" : " without") +
                      " the input gradient, beta " + std::to_string(beta),
                  [=](conv_ops& c, workspace& w) {
                    // Outputs as the activation could make them: in (0, 1), ReLU's zero on some.
                    auto y = w.random(count(rows, out_cols), 0, 1);
                    if (act == activation::relu)
                      for (std::size_t i = 0; i < y.size(); i += 3) y[i] = 0;
                    const auto images = w.random(count(rows, g.image_size())),
                               d = w.random(count(rows, out_cols)), weight = w.random(kernels);
                    c.direct_backward(g, outs, w.in(weight), act, w.in(images, rows, g.image_size()),
                                      w.in(y, rows, out_cols), w.in(d, rows, out_cols), beta,
                                      w.out(w.start(beta, kernels)), w.out(w.start(beta, std::size_t(outs))),
                                      input_grad
                                          ? w.out(nans(count(rows, g.image_size())), rows, g.image_size())
                                          : matrix_view{nullptr, 0, 0});
                  });
        }
      }
  for (const int channels : {1, 3, 8})
    for (const int rows : {0, 1, 5})
      for (const int positions : {1, 7, 49}) {
        const std::string what = std::to_string(channels) + " channels, " + std::to_string(rows) + " rows, " +
                                 std::to_string(positions) + " positions";
        const int cols = channels * positions, spread = rows * positions;
        add("columns_to_rows and back " + what, [=](conv_ops& c, workspace& w) {
          const auto columns = w.random(count(channels, spread));
          const matrix_view r = w.out(nans(count(rows, cols)), rows, cols);
          c.columns_to_rows(w.in(columns, channels, spread), r);
          c.rows_to_columns(r, w.out(nans(count(channels, spread)), channels, spread));
        });
        add("fill_channels " + what, [=](conv_ops& c, workspace& w) {
          const auto values = w.random(std::size_t(channels));
          c.fill_channels(w.in(values), channels, w.out(nans(count(rows, cols)), rows, cols));
        });
        for (const float beta : {0.0f, 1.0f})
          add("channel_sums " + what + " beta " + std::to_string(beta), [=](conv_ops& c, workspace& w) {
            const auto x = w.random(count(rows, cols));
            c.channel_sums(w.in(x, rows, cols), channels, beta, w.out(w.start(beta, std::size_t(channels))));
          });
      }
  return all;
}

// Image batches: rows of channels x height x width, pooled k x k every s
// pixels; empty, one pixel, Keras's "same" 7 -> 4, exact tiling, overlapping
// windows, a stride past the kernel, and a batch of 28 x 28 images.
struct pool_shape {
  int rows;
  image_geometry image;
  int kernel, stride;
};
const pool_shape pool_shapes[] = {{0, {2, 4, 4}, 2, 2},     {1, {1, 1, 1}, 1, 1}, {3, {2, 7, 7}, 2, 2},
                                  {5, {3, 6, 6}, 3, 3},     {4, {2, 5, 6}, 3, 2}, {2, {1, 6, 9}, 1, 4},
                                  {128, {16, 28, 28}, 2, 2}};

std::string describe(const pool_shape& p) {
  return std::to_string(p.rows) + " x " + std::to_string(p.image.channels) + "x" +
         std::to_string(p.image.height) + "x" + std::to_string(p.image.width) + " k " +
         std::to_string(p.kernel) + " s " + std::to_string(p.stride);
}

std::vector<op_case> pool_cases() {
  std::vector<op_case> all;
  const auto add = [&](auto&&... c) { all.push_back(family_case<pool_ops>(c...)); };
  for (const pool_shape p : pool_shapes) {
    const image_geometry g = p.image;
    const int in_cols = g.channels * g.height * g.width;
    const int out_cols =
        g.channels * pooled_size(g.height, p.kernel, p.stride) * pooled_size(g.width, p.kernel, p.stride);
    const std::size_t n_in = count(p.rows, in_cols), n_out = count(p.rows, out_cols);
    // Ties (values on a coarse grid) test that every backend takes the first maximum.
    for (const bool ties : {false, true})
      add("max_pool and its backward " + describe(p) + (ties ? " with ties" : ""), [=](pool_ops& o,
                                                                                       workspace& w) {
        auto x = w.random(n_in);
        if (ties)
          for (float& v : x) v = std::round(v * 2) / 2;
        const auto dy = w.random(n_out);
        device_array<std::int32_t> argmax(w.device(), n_out);
        o.max_pool(g, p.kernel, p.stride, w.in(x, p.rows, in_cols), w.out(nans(n_out), p.rows, out_cols),
                   argmax.data());
        o.max_pool_backward(w.in(dy, p.rows, out_cols), argmax.data(), w.out(nans(n_in), p.rows, in_cols));
      });
    for (const int scale : {1, 2, 3}) {
      const int up_cols = in_cols * scale * scale;
      const std::size_t n_up = count(p.rows, up_cols);
      const std::string what = describe(p) + " scale " + std::to_string(scale);
      add("upsample " + what, [=](pool_ops& o, workspace& w) {
        const auto x = w.random(n_in);
        o.upsample(g, scale, w.in(x, p.rows, in_cols), w.out(nans(n_up), p.rows, up_cols));
      });
      add("upsample_backward " + what, [=](pool_ops& o, workspace& w) {
        const auto dy = w.random(n_up);
        o.upsample_backward(g, scale, w.in(dy, p.rows, up_cols), w.out(nans(n_in), p.rows, in_cols));
      });
    }
  }
  return all;
}

// Outputs in (0, 1) as a sigmoid's, with an exact 0 and 1 for BCE's clamp.
std::vector<op_case> pixel_loss_cases() {
  std::vector<op_case> all;
  const auto add = [&](auto&&... c) { all.push_back(family_case<pixel_loss_ops>(c...)); };
  for (const shape s : shapes)
    for (const pixel_loss_kind kind : {pixel_loss_kind::bce, pixel_loss_kind::mse})
      for (const bool with_grad : {false, true}) {
        const int rows = s.rows, cols = s.k;
        const std::size_t n = count(rows, cols);
        add(
            std::string("pixel_loss ") + pixel_loss_name(kind) + " " + describe(s) +
                (with_grad ? " grad" : ""),
            [=](pixel_loss_ops& l, workspace& w) {
              auto p = w.random(n, 0.01f, 0.99f);
              if (n > 1) p.front() = 0, p.back() = 1;
              const auto t = w.random(n, 0, 1);
              w.returned(l.pixel_loss(kind, w.in(p, rows, cols), w.in(t, rows, cols),
                                      or_null(with_grad, w.out(nans(n))), w.out(nans(std::size_t(rows)))));
            },
            kind == pixel_loss_kind::bce ? vector_log : same_bits);
      }
  return all;
}

// Every optimizer, and each variant its settings select.
std::vector<std::pair<std::string, optimizer_config>> optimizer_variants() {
  std::vector<std::pair<std::string, optimizer_config>> all;
  const auto add = [&](const std::string& name, optimizer_kind kind, auto&& change) {
    optimizer_config c = default_optimizer_config(kind);
    change(c);
    all.emplace_back(std::string(optimizer_name(kind)) + " " + name, c);
  };
  const auto plain = [](optimizer_config&) {};
  const auto decay = [](optimizer_config& c) { c.weight_decay = 0.01; };
  for (const optimizer_kind kind : all_optimizers()) {
    add("plain", kind, plain);
    add("weight decay", kind, decay);
  }
  add("momentum", optimizer_kind::sgd, [](optimizer_config& c) { c.momentum = 0.9; });
  add("momentum, dampening, decay", optimizer_kind::sgd,
      [](optimizer_config& c) { c.momentum = 0.9, c.dampening = 0.1, c.weight_decay = 0.01; });
  add("nesterov", optimizer_kind::sgd, [](optimizer_config& c) { c.momentum = 0.9, c.nesterov = true; });
  add("centered", optimizer_kind::rmsprop, [](optimizer_config& c) { c.centered = true; });
  add("momentum", optimizer_kind::rmsprop, [](optimizer_config& c) { c.momentum = 0.5; });
  add("centered momentum decay", optimizer_kind::rmsprop,
      [](optimizer_config& c) { c.centered = true, c.momentum = 0.5, c.weight_decay = 0.01; });
  for (const optimizer_kind kind : {optimizer_kind::adam, optimizer_kind::adamw}) {
    add("amsgrad", kind, [](optimizer_config& c) { c.amsgrad = true; });
    add("amsgrad decay", kind, [](optimizer_config& c) { c.amsgrad = true, c.weight_decay = 0.01; });
  }
  add("lr decay, initial accumulator", optimizer_kind::adagrad,
      [](optimizer_config& c) { c.lr_decay = 0.01, c.initial_accumulator = 0.1; });
  add("rho", optimizer_kind::adadelta, [](optimizer_config& c) { c.rho = 0.5; });
  return all;
}

// An optimizer's state arrays of n elements as outputs (null where unused):
// PyTorch's start at zero, but for Adagrad's sum (as optimizer.cpp does).
std::array<float*, 3> optimizer_state(workspace& w, const optimizer_config& config, std::size_t n) {
  const auto first =
      static_cast<float>(config.kind == optimizer_kind::adagrad ? config.initial_accumulator : 0);
  std::array<float*, 3> state = {nullptr, nullptr, nullptr};
  for (int k = 0; k < optimizer_state_count(config); ++k)
    state[static_cast<std::size_t>(k)] = w.out(std::vector<float>(n, k == 0 ? first : 0.0f));
  return state;
}

// Four steps of every optimizer variant (PyTorch's eps: the bits are compared
// on host backends; the CUDA training tests raise it for whole runs).
std::vector<op_case> optimizer_cases() {
  std::vector<op_case> all;
  for (const std::size_t n : {std::size_t(0), std::size_t(1), std::size_t(100003)})
    for (const auto& [name, config] : optimizer_variants())
      all.push_back(family_case<optimizer_ops>(
          name + ", " + std::to_string(n) + " elements",
          [n, config = config](optimizer_ops& o, workspace& w) {
            float* p = w.out(w.random(n));
            const std::array<float*, 3> state = optimizer_state(w, config, n);
            for (long step = 1; step <= 4; ++step)
              o.optimizer_step(config, step, n, p, w.in(w.random(n)), state.data());
          }));
  // Lazy steps: rows 0, 2, 3 and 7 of 9 (runs of one and two), the others untouched.
  for (const auto& [name, config] : optimizer_variants())
    all.push_back(family_case<optimizer_ops>(name + ", rows of 33", [config = config](optimizer_ops& o,
                                                                                      workspace& w) {
      const std::size_t n = 9 * 33;
      const std::vector<std::int32_t> rows = {0, 2, 3, 7};
      float* p = w.out(w.random(n));
      const std::array<float*, 3> state = optimizer_state(w, config, n);
      for (long step = 1; step <= 4; ++step)
        o.optimizer_step_rows(config, step, 33, rows.data(), rows.size(), p, w.in(w.random(n)), state.data());
    }));
  return all;
}

// LSTM steps: rows x units, first steps (no c_prev) and later ones, gates
// wide enough to saturate.
std::vector<op_case> lstm_cases() {
  std::vector<op_case> all;
  const auto add = [&](auto&&... c) { all.push_back(family_case<lstm_ops>(c...)); };
  for (const shape s : {shape{0, 3, 0}, shape{1, 1, 0}, shape{3, 5, 0}, shape{17, 33, 0}, shape{128, 96, 0}})
    for (const bool first : {true, false}) {
      const int rows = s.rows, units = s.k;
      const std::size_t n = count(rows, units), g = 4 * n;
      const std::string what = std::to_string(rows) + " x " + std::to_string(units) + (first ? " first" : "");
      add(
          "lstm_forward " + what,
          [=](lstm_ops& o, workspace& w) {
            const float* c_prev = or_null(!first, w.in(w.random(n, -2, 2)));
            o.lstm_forward(w.out(w.random(g, -6, 6), rows, 4 * units), c_prev, w.out(nans(n), rows, units),
                           w.out(nans(n), rows, units));
          },
          vector_exp);
      add(
          "lstm_backward " + what,
          [=](lstm_ops& o, workspace& w) {
            auto gates = w.random(g, 0, 1);
            for (std::size_t i = 0; i < g; ++i)
              if (i % count(4, units) / static_cast<std::size_t>(units) == 2)
                gates[i] = 2 * gates[i] - 1;  // g: tanh
            const float* c_prev = or_null(!first, w.in(w.random(n, -2, 2)));
            o.lstm_backward(w.in(gates, rows, 4 * units), c_prev, w.in(w.random(n, -2, 2), rows, units),
                            w.in(w.random(n), rows, units), w.out(w.random(n), rows, units),
                            w.out(nans(g), rows, 4 * units));
          },
          vector_exp);
    }
  return all;
}

// Sequence batches' data movement, on empty, tiny and odd sizes.
std::vector<op_case> sequence_cases() {
  std::vector<op_case> all;
  const auto add = [&](auto&&... c) { all.push_back(family_case<sequence_ops>(c...)); };
  for (const shape s : {shape{0, 3, 2}, shape{1, 1, 1}, shape{3, 7, 5}, shape{17, 33, 19}}) {
    const int rows = s.rows, steps = s.k, f = s.n;
    const std::size_t n = count(rows, steps * f);
    add("swap_blocks " + describe(s), [=](sequence_ops& o, workspace& w) {
      o.swap_blocks(w.in(w.random(n), rows, steps * f), f, w.out(nans(n), steps, rows * f));
    });
    add("copy_columns " + describe(s), [=](sequence_ops& o, workspace& w) {
      o.copy_columns(w.in(w.random(count(rows, f + 2)), rows, f + 2), 1, w.out(w.random(n), rows, steps * f),
                     (steps - 1) * f, f);
    });
    add("repeat_steps " + describe(s), [=](sequence_ops& o, workspace& w) {
      o.repeat_steps(w.in(w.random(count(rows, f)), rows, f), w.out(nans(n), rows, steps * f));
    });
    add("sum_steps " + describe(s), [=](sequence_ops& o, workspace& w) {
      o.sum_steps(w.in(w.random(n), rows, steps * f), w.out(nans(count(rows, f)), rows, f));
    });
  }
  return all;
}

// Softmax cross-entropy: rows with a target and rows without (-1), logits
// large enough that e^z overflows without the maximum taken out, and rows of
// MovieLens's width.
std::vector<op_case> softmax_cases() {
  std::vector<op_case> all;
  for (const shape s : {shape{0, 5, 0}, shape{1, 1, 0}, shape{3, 7, 0}, shape{17, 33, 0}, shape{40, 1682, 0}})
    for (const bool with_grad : {false, true}) {
      const int rows = s.rows, classes = s.k;
      all.push_back(family_case<softmax_ops>(
          "softmax_cross_entropy " + std::to_string(rows) + " x " + std::to_string(classes) +
              (with_grad ? " grad" : ""),
          [=](softmax_ops& o, workspace& w) {
            std::vector<float> z = w.random(count(rows, classes), -8, 8);
            if (!z.empty()) z.front() = 100;
            std::vector<std::int32_t> t(static_cast<std::size_t>(rows));
            for (std::size_t r = 0; r < t.size(); ++r)
              t[r] = r % 4 == 3 ? -1 : static_cast<std::int32_t>(r * 7 % static_cast<std::size_t>(classes));
            device_array<std::int32_t> targets(w.device(), t.size());
            targets.upload(t);
            o.softmax_cross_entropy(w.in(z, rows, classes), targets.data(), 0.25f,
                                    or_null(with_grad, w.out(nans(count(rows, classes)))),
                                    w.out(nans(std::size_t(rows))));
          },
          vector_exp));
    }
  return all;
}

std::vector<op_case> family_cases() {
  std::vector<op_case> all;
  for (auto&& part :
       {elementwise_cases(), loss_cases(), penalty_cases(), variational_cases(), glocal_cases(), conv_cases(),
        pool_cases(), pixel_loss_cases(), optimizer_cases(), lstm_cases(), sequence_cases()})
    all.insert(all.end(), part.begin(), part.end());
  return all;
}

}  // namespace

TEST_CASE("backends: memory and BLAS-1 match the reference", "[backend]") { check(memory_and_blas1_cases()); }

TEST_CASE("backends: every kind of gemm matches the reference", "[backend]") { check(gemm_cases()); }

TEST_CASE("backends: sparse products, gather and scatter match the reference", "[backend]") {
  check(sparse_cases());
}

TEST_CASE("backends: element-wise operations, column sums and activations match the reference", "[backend]") {
  check(elementwise_cases());
}

TEST_CASE("backends: the squared-error and multinomial losses match the reference", "[backend]") {
  check(loss_cases());
}

TEST_CASE("backends: the activity and contractive penalties match the reference", "[backend]") {
  check(penalty_cases());
}

TEST_CASE("backends: the Gaussian code's sample and backward match the reference", "[backend]") {
  check(variational_cases());
}

TEST_CASE("backends: the local kernel and the global convolution match the reference", "[backend]") {
  check(glocal_cases());
}

TEST_CASE("backends: im2col, col2im and the convolutions' reshuffles match the reference",
          "[backend][conv]") {
  check(conv_cases());
}

TEST_CASE("backends: max pooling and nearest upsampling match the reference", "[backend][pool]") {
  check(pool_cases());
}

TEST_CASE("backends: the per-pixel losses match the reference", "[backend][pool]") {
  check(pixel_loss_cases());
}

TEST_CASE("backends: the LSTM gates and sequence data movement match the reference", "[backend][lstm]") {
  check(lstm_cases());
  check(sequence_cases());
}

TEST_CASE("backends: softmax cross-entropy matches the reference", "[backend][next_item]") {
  check(softmax_cases());
}

TEST_CASE("backends: every optimizer's steps match the reference", "[backend]") { check(optimizer_cases()); }

TEST_CASE("backends: a family's host implementation gives the same bits staged as in place", "[backend]") {
  check(family_cases(), true);
}

TEST_CASE("backends: the rated loss is the full outputs' loss at the rated entries", "[backend]") {
  const int rows = 40, cols = 1000;
  for (backend_under_test& t : backends_under_test()) {
    INFO(t.name);
    workspace w(*t.device);
    const sparse_batch target_rows = w.random_sparse(rows, cols, 0.05f);
    sparse_batch ones = target_rows;
    std::fill(ones.values.begin(), ones.values.end(), 1.0f);
    const sparse_view target = w.in(target_rows);
    const auto output = w.random(count(rows, cols), 0, 5);
    const const_matrix_view out = w.in(output, rows, cols);
    float* gathered = w.out(nans(std::size_t(target.nnz)));
    float* full_sums = w.out(nans(rows));
    float* rated_sums = w.out(nans(rows));
    loss_ops& l = ops<loss_ops>(*t.device);
    l.masked_squared_error(out, target, 0.25f, w.out(nans(output.size()), rows, cols), full_sums);
    t.device->gather(out, w.in(ones), gathered);
    l.rated_squared_error(gathered, target, 0.25f, w.out(nans(std::size_t(target.nnz))), rated_sums);
    const outcome o = w.read_back();
    require_matches(o.arrays[2], o.arrays[1], same_bits, "the row sums");
  }
}
