// Every operation of the CUDA backend against the CPU backend, on device
// memory, at empty, tiny and odd, and large shapes (the large ones take the
// kernels' multi-block paths).
#include "cuda/cuda_fixtures.h"

#include <string>

using namespace aerec;
using namespace aerec::testing;

namespace {

struct shape {
  int rows, k, n;
};
// Empty, tiny and odd, and large: 300 x 700 with 129 columns (several blocks
// and a ragged last one), and rows of 2500 and 1031 (longer than a block of threads).
const shape shapes[] = {{0, 4, 6}, {1, 1, 1}, {3, 7, 5}, {17, 33, 19}, {300, 700, 129}, {6, 2500, 1031}};
// Shapes over which a batch mean is defined (penalties and the Gaussian code divide by rows).
const shape nonempty_shapes[] = {{1, 1, 1}, {3, 7, 5}, {17, 33, 19}, {300, 700, 129}, {6, 2500, 1031}};
const float densities[] = {0.0f, 0.1f, 0.6f};

std::string describe(const shape& s) {
  return std::to_string(s.rows) + " x " + std::to_string(s.k) + " x " + std::to_string(s.n);
}

std::vector<float> random_matrix(rng& random, int rows, int cols, float lo = -1, float hi = 1) {
  return random_vector(random, static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols), lo, hi);
}

// What an output computed as beta * itself + ... starts as: NaN for beta 0,
// which must overwrite whatever the output held.
std::vector<float> output_start(rng& random, float beta, int rows, int cols) {
  return beta == 0 ? nans(std::size_t(rows) * std::size_t(cols)) : random_matrix(random, rows, cols);
}

// A pointer to the array, or null: operations whose arrays are optional.
template <class T>
T* or_null(bool present, T* p) {
  return present ? p : nullptr;
}

}  // namespace

TEST_CASE("cuda: fill and every kind of gemm match the CPU", "[cuda]") {
  backend_pair on;
  rng random(11);
  for (const std::size_t n : {std::size_t(0), std::size_t(1), std::size_t(7), std::size_t(300 * 700 + 3)})
    require_same(on, "fill " + std::to_string(n), [&](workspace& w) { w.device().fill(w.out(nans(n)), n, 2.5f); });

  for (const shape s : shapes)
    for (const bool ta : {false, true})
      for (const bool tb : {false, true})
        for (const float beta : {0.0f, 1.0f, 0.5f}) {
          const std::vector<float> a = random_matrix(random, s.rows, s.k);
          const std::vector<float> b = random_matrix(random, s.k, s.n);
          const std::vector<float> c = output_start(random, beta, s.rows, s.n);
          const std::string what = "gemm " + describe(s) + (ta ? " A^T" : " A") + (tb ? " B^T" : " B") +
                                   " beta " + std::to_string(beta);
          require_same(on, what, [&](workspace& w) {
            const const_matrix_view av = ta ? w.in(a, s.k, s.rows) : w.in(a, s.rows, s.k);
            const const_matrix_view bv = tb ? w.in(b, s.n, s.k) : w.in(b, s.k, s.n);
            w.device().gemm(ta, tb, 0.75f, av, bv, beta, w.out(c, s.rows, s.n));
          });
        }
}

TEST_CASE("cuda: sparse products, gather and scatter match the CPU", "[cuda]") {
  backend_pair on;
  rng random(12);
  for (const shape s : shapes)
    for (const float density : densities) {
      const sparse_batch x = random_sparse(random, s.rows, s.k, density);
      const std::vector<float> weights = random_matrix(random, s.k, s.n);
      const std::vector<float> d = random_matrix(random, s.rows, s.n);
      const std::vector<float> dense = random_matrix(random, s.rows, s.k);
      const std::vector<float> bias = random_matrix(random, 1, s.k);
      const std::string what = describe(s) + " density " + std::to_string(density);
      for (const float beta : {0.0f, 1.0f}) {
        const std::vector<float> c = output_start(random, beta, s.rows, s.n);
        const std::vector<float> g = output_start(random, beta, s.k, s.n);
        require_same(on, "sparse_dense " + what, [&](workspace& w) {
          w.device().sparse_dense(w.in(x), w.in(weights, s.k, s.n), beta, w.out(c, s.rows, s.n));
        });
        require_same(on, "sparse_t_dense " + what, [&](workspace& w) {
          w.device().sparse_t_dense(w.in(x), w.in(d, s.rows, s.n), beta, w.out(g, s.k, s.n));
        });
      }
      for (const bool with_bias : {false, true})
        require_same(on, "sampled_product " + what, [&](workspace& w) {
          // x's pattern (rows x k) as entries of d (rows x n) times weights^T (k x n).
          w.device().sampled_product(w.in(d, s.rows, s.n), w.in(weights, s.k, s.n), w.in(x),
                                     or_null(with_bias, w.in(bias)), w.out(nans(std::size_t(x.nnz()))));
        });
      require_same(on, "gather " + what, [&](workspace& w) {
        w.device().gather(w.in(dense, s.rows, s.k), w.in(x), w.out(nans(std::size_t(x.nnz()))));
      });
      require_same(on, "scatter " + what, [&](workspace& w) {
        w.device().scatter(w.in(x), w.out(nans(dense.size()), s.rows, s.k));
      });
    }
}

TEST_CASE("cuda: element-wise operations, column sums and every activation match the CPU", "[cuda]") {
  backend_pair on;
  rng random(13);
  for (const shape s : shapes) {
    const std::vector<float> a = random_matrix(random, s.rows, s.n, -3, 3);
    const std::vector<float> b = random_matrix(random, s.rows, s.n, -3, 3);
    const std::vector<float> bias = random_matrix(random, 1, s.n);
    std::vector<float> z = random_matrix(random, s.rows, s.n, -6, 6);
    // Some far into the saturated tails, where exp over- and underflows.
    for (std::size_t i = 0; i < z.size(); i += 13) z[i] = i % 2 ? 60.0f : -60.0f;
    const std::string what = describe(s);
    require_same(on, "multiply " + what, [&](workspace& w) {
      w.device().multiply(w.in(a, s.rows, s.n), w.in(b, s.rows, s.n), w.out(nans(a.size()), s.rows, s.n));
    });
    require_same(on, "multiply in place " + what, [&](workspace& w) {
      const matrix_view x = w.out(a, s.rows, s.n);
      w.device().multiply(x, w.in(b, s.rows, s.n), x);
    });
    require_same(on, "add_row_vector " + what,
                 [&](workspace& w) { w.device().add_row_vector(w.out(a, s.rows, s.n), w.in(bias)); });
    for (const float beta : {0.0f, 0.5f}) {
      const std::vector<float> sums = output_start(random, beta, 1, s.n);
      require_same(on, "column_sums " + what,
                   [&](workspace& w) { w.device().column_sums(w.in(a, s.rows, s.n), beta, w.out(sums)); });
    }
    for (const activation act : all_activations())
      require_same(on, std::string(activation_name(act)) + " forward and backward " + what, [&](workspace& w) {
        const const_matrix_view zv = w.in(z, s.rows, s.n);
        const matrix_view y = w.out(nans(z.size()), s.rows, s.n);
        w.device().activation_forward(act, zv, y);
        w.device().activation_backward(act, zv, y, w.in(b, s.rows, s.n), w.out(nans(z.size()), s.rows, s.n));
      });
  }
}

TEST_CASE("cuda: the squared-error and multinomial losses match the CPU", "[cuda]") {
  backend_pair on;
  rng random(14);
  for (const shape s : shapes)
    for (const float density : densities) {
      const sparse_batch target = random_sparse(random, s.rows, s.k, density);
      const std::vector<float> output = random_matrix(random, s.rows, s.k, 0, 5);
      const std::vector<float> predicted = random_vector(random, std::size_t(target.nnz()), 0, 5);
      const std::vector<float> logits = random_matrix(random, s.rows, s.k, -4, 4);
      const std::string what = describe(s) + " density " + std::to_string(density);
      const auto row_sums = nans(std::size_t(s.rows));
      require_same(on, "masked_squared_error " + what, [&](workspace& w) {
        w.device().masked_squared_error(w.in(output, s.rows, s.k), w.in(target), 0.25f,
                                        w.out(nans(output.size()), s.rows, s.k), w.out(row_sums));
      });
      require_same(on, "rated_squared_error " + what, [&](workspace& w) {
        w.device().rated_squared_error(w.in(predicted), w.in(target), 0.25f, w.out(nans(predicted.size())),
                                       w.out(row_sums));
      });
      require_same(on, "multinomial_loss " + what, [&](workspace& w) {
        w.device().multinomial_loss(w.in(logits, s.rows, s.k), w.in(target), 0.5f,
                                    w.out(nans(logits.size()), s.rows, s.k), w.out(row_sums));
      });
    }
}

TEST_CASE("cuda: the activity and contractive penalties match the CPU", "[cuda]") {
  backend_pair on;
  rng random(15);
  for (const shape s : nonempty_shapes) {
    const std::vector<float> h = random_matrix(random, s.rows, s.n, 0.01f, 0.99f);  // sigmoid's range
    const std::vector<float> d_in = random_matrix(random, s.rows, s.n);
    const std::vector<float> weights = random_matrix(random, s.k, s.n);
    const std::vector<float> w_grad = random_matrix(random, s.k, s.n);
    for (const activity_kind kind : {activity_kind::l1, activity_kind::kl}) {
      const aerec::activity_penalty p{kind, kind == activity_kind::l1 ? 0.003f : 0.1f, 0.05f, -1};
      const std::string what = std::string(activity_kind_name(kind)) + " " + describe(s);
      require_same(on, "activity_penalty without d_out " + what, [&](workspace& w) {
        w.returned(w.device().activity_penalty(p, w.in(h, s.rows, s.n), w.in(d_in, s.rows, s.n), nullptr));
      });
      require_same(on, "activity_penalty " + what, [&](workspace& w) {
        w.returned(w.device().activity_penalty(p, w.in(h, s.rows, s.n), w.in(d_in, s.rows, s.n),
                                               w.out(nans(h.size()))));
      });
      require_same(on, "activity_penalty in place " + what, [&](workspace& w) {
        const matrix_view d = w.out(d_in, s.rows, s.n);
        w.returned(w.device().activity_penalty(p, w.in(h, s.rows, s.n), d, d.data));
      });
    }
    for (const activation act : {activation::sigmoid, activation::tanh}) {
      // y in act's range.
      const std::vector<float> y = act == activation::sigmoid ? h : random_matrix(random, s.rows, s.n, -0.99f, 0.99f);
      for (const bool with_d_out : {false, true})
        for (const bool with_w_grad : {false, true})
          require_same(on,
                       std::string("contractive_penalty ") + activation_name(act) + " " + describe(s) +
                           (with_d_out ? " d_out" : "") + (with_w_grad ? " w_grad" : ""),
                       [&](workspace& w) {
                         float* d_out = w.out(nans(y.size()));
                         float* wg = w.out(w_grad);  // added to
                         w.returned(w.device().contractive_penalty(act, 0.05f, w.in(weights, s.k, s.n),
                                                                   w.in(y, s.rows, s.n), w.in(d_in, s.rows, s.n),
                                                                   or_null(with_d_out, d_out),
                                                                   or_null(with_w_grad, wg)));
                       });
    }
  }
}

TEST_CASE("cuda: the Gaussian code's sample and backward match the CPU", "[cuda]") {
  backend_pair on;
  rng random(16);
  for (const shape s : nonempty_shapes) {
    const int code = s.n;
    std::vector<float> x = random_matrix(random, s.rows, 2 * code, -2, 2);  // [mu | logvar]
    const std::vector<float> eps = random_matrix(random, s.rows, code, -2, 2);
    const std::vector<float> dz = random_matrix(random, s.rows, code);
    for (const bool with_eps : {false, true}) {
      const std::string what = describe(s) + (with_eps ? " with eps" : " without eps");
      require_same(on, "gaussian_sample " + what, [&](workspace& w) {
        w.device().gaussian_sample(w.in(x, s.rows, 2 * code), or_null(with_eps, w.in(eps)),
                                   w.out(nans(eps.size()), s.rows, code));
      });
      for (const bool with_dx : {false, true})
        require_same(on, "gaussian_backward " + what + (with_dx ? " with dx" : ""), [&](workspace& w) {
          w.returned(w.device().gaussian_backward(w.in(x, s.rows, 2 * code), or_null(with_eps, w.in(eps)),
                                                  w.in(dz), 0.3f, or_null(with_dx, w.out(nans(x.size())))));
        });
    }
  }
}

TEST_CASE("cuda: the local kernel and the global convolution match the CPU", "[cuda]") {
  backend_pair on;
  rng random(17);
  for (const shape s : shapes) {
    // Points spread so that about half the kernel values are 0 and half positive.
    const int dim = std::min(s.n, 5);
    const std::vector<float> a = random_matrix(random, s.rows, dim, -0.5f, 0.5f);
    const std::vector<float> b = random_matrix(random, s.k, dim, -0.5f, 0.5f);
    const std::vector<float> weights = random_matrix(random, s.rows, s.k);
    const std::vector<float> d_eff = random_matrix(random, s.rows, s.k);
    const std::string what = describe(s);
    for (const float beta : {0.0f, 1.0f}) {
      const std::vector<float> dw = output_start(random, beta, s.rows, s.k);
      const std::vector<float> da = output_start(random, beta, s.rows, dim);
      const std::vector<float> db = output_start(random, beta, s.k, dim);
      require_same(on, "local_kernel and its backward " + what + " beta " + std::to_string(beta), [&](workspace& w) {
        const const_matrix_view av = w.in(a, s.rows, dim), bv = w.in(b, s.k, dim);
        const float* wv = w.in(weights);
        float* kernel = w.out(nans(weights.size()));
        w.returned(w.device().local_kernel(av, bv, wv, kernel, w.out(nans(weights.size()))));
        w.device().local_kernel_backward(av, bv, wv, kernel, w.in(d_eff), 0.006f, beta, w.out(dw), w.out(da),
                                         w.out(db));
      });
    }
    const std::vector<float> x = random_matrix(random, s.rows, s.k, 0, 5);
    for (const int size : {1, 3, 5}) {
      const std::vector<float> k = random_matrix(random, size, size);
      require_same(on, "global_convolve " + what + " size " + std::to_string(size), [&](workspace& w) {
        w.device().global_convolve(w.in(x, s.rows, s.k), w.in(k), size, w.out(nans(x.size()), s.rows, s.k));
      });
    }
    for (const int size : {3, 5})
      require_same(on, "global_convolve_kernel_grad " + what + " size " + std::to_string(size),
                   [&](workspace& w) {
                     w.device().global_convolve_kernel_grad(w.in(x, s.rows, s.k), w.in(d_eff, s.rows, s.k), size,
                                                            w.out(nans(std::size_t(size * size))));
                   });
  }
}

namespace {

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
  add("momentum, dampening, decay", optimizer_kind::sgd, [](optimizer_config& c) {
    c.momentum = 0.9, c.dampening = 0.1, c.weight_decay = 0.01;
  });
  add("nesterov", optimizer_kind::sgd, [](optimizer_config& c) { c.momentum = 0.9, c.nesterov = true; });
  add("centered", optimizer_kind::rmsprop, [](optimizer_config& c) { c.centered = true; });
  add("momentum", optimizer_kind::rmsprop, [](optimizer_config& c) { c.momentum = 0.5; });
  add("centered momentum decay", optimizer_kind::rmsprop, [](optimizer_config& c) {
    c.centered = true, c.momentum = 0.5, c.weight_decay = 0.01;
  });
  for (const optimizer_kind kind : {optimizer_kind::adam, optimizer_kind::adamw}) {
    add("amsgrad", kind, [](optimizer_config& c) { c.amsgrad = true; });
    add("amsgrad decay", kind, [](optimizer_config& c) { c.amsgrad = true, c.weight_decay = 0.01; });
  }
  add("lr decay, initial accumulator", optimizer_kind::adagrad, [](optimizer_config& c) {
    c.lr_decay = 0.01, c.initial_accumulator = 0.1;
  });
  add("rho", optimizer_kind::adadelta, [](optimizer_config& c) { c.rho = 0.5; });
  return all;
}

}  // namespace

TEST_CASE("cuda: every optimizer's steps match the CPU", "[cuda]") {
  backend_pair on;
  rng random(18);
  const int steps = 4;
  for (const std::size_t n : {std::size_t(0), std::size_t(1), std::size_t(100003)}) {
    const std::vector<float> param = random_vector(random, n, -1, 1);
    std::vector<std::vector<float>> grads;
    for (int s = 0; s < steps; ++s) grads.push_back(random_vector(random, n, -1, 1));
    for (const auto& [name, config] : optimizer_variants())
      require_same(on, name + ", " + std::to_string(n) + " elements", [&](workspace& w) {
        float* p = w.out(param);
        // PyTorch's state starts at zero, but for Adagrad's sum (as optimizer.cpp does).
        const auto first = static_cast<float>(config.kind == optimizer_kind::adagrad ? config.initial_accumulator : 0);
        float* state[3] = {nullptr, nullptr, nullptr};
        for (int k = 0; k < optimizer_state_count(config); ++k)
          state[k] = w.out(std::vector<float>(n, k == 0 ? first : 0.0f));
        for (int s = 0; s < steps; ++s) w.device().optimizer_step(config, s + 1, n, p, w.in(grads[std::size_t(s)]), state);
      });
  }
}
