#include "guarded_backend.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <new>
#include <stdexcept>
#include <string>
#include <utility>

#include "aerec/backend/cpu_backend.h"
#include "aerec/backend/ops/elementwise_ops.h"
#include "aerec/backend/ops/loss_ops.h"
#include "aerec/backend/ops/optimizer_ops.h"

namespace aerec::testing {

namespace {

class guarded_backend : public backend {
 public:
  explicit guarded_backend(std::string name) : name_(std::move(name)) {}

  std::string name() const override { return name_; }
  bool host_memory() const override { return false; }

  void* allocate(std::size_t bytes) override {
    const std::size_t length = (bytes / page_ + 1) * page_;  // whole pages, at least one
    void* p = ::mmap(nullptr, length, open_ > 0 ? PROT_READ | PROT_WRITE : PROT_NONE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    live_.emplace(static_cast<char*>(p), length);
    return p;
  }
  void deallocate(void* p) noexcept override {
    const auto it = live_.find(static_cast<char*>(p));
    if (it == live_.end()) fail("deallocate: not an allocation of this backend");
    ::munmap(it->first, it->second);
    live_.erase(it);
  }
  void to_device(void* device_dst, const void* host_src, std::size_t bytes) override {
    require_host("to_device", host_src);
    require_device("to_device", device_dst);
    call("to_device", inner(), &backend::to_device, device_dst, host_src, bytes);
  }
  void to_host(void* host_dst, const void* device_src, std::size_t bytes) override {
    require_host("to_host", host_dst);
    require_device("to_host", device_src);
    call("to_host", inner(), &backend::to_host, host_dst, device_src, bytes);
  }
  void fill(float* x, std::size_t n, float value) override {
    call("fill", inner(), &backend::fill, x, n, value);
  }

  void copy(int n, const float* x, float* y) override { call("copy", inner(), &backend::copy, n, x, y); }
  void scal(int n, float alpha, float* x) override { call("scal", inner(), &backend::scal, n, alpha, x); }
  void axpy(int n, float alpha, const float* x, float* y) override {
    call("axpy", inner(), &backend::axpy, n, alpha, x, y);
  }
  float dot(int n, const float* x, const float* y) override {
    return call("dot", inner(), &backend::dot, n, x, y);
  }

  void gemm(bool transpose_a, bool transpose_b, float alpha, const_matrix_view a, const_matrix_view b,
            float beta, matrix_view c) override {
    call("gemm", inner(), &backend::gemm, transpose_a, transpose_b, alpha, a, b, beta, c);
  }
  void sparse_dense(const sparse_view& x, const_matrix_view w, float beta, matrix_view c) override {
    call("sparse_dense", inner(), &backend::sparse_dense, x, w, beta, c);
  }
  void sparse_t_dense(const sparse_view& x, const_matrix_view d, float beta, matrix_view g) override {
    call("sparse_t_dense", inner(), &backend::sparse_t_dense, x, d, beta, g);
  }
  void sampled_product(const_matrix_view a, const_matrix_view b, const sparse_view& pattern,
                       const float* bias, float* out) override {
    call("sampled_product", inner(), &backend::sampled_product, a, b, pattern, bias, out);
  }
  void gather(const_matrix_view x, const sparse_view& pattern, float* out) override {
    call("gather", inner(), &backend::gather, x, pattern, out);
  }
  void scatter(const sparse_view& x, matrix_view out) override {
    call("scatter", inner(), &backend::scatter, x, out);
  }

 protected:
  backend& inner() { return *inner_; }

  // `target`'s `op` (the inner backend's, or one of its op families') with
  // these arguments, the memory open meanwhile.
  template <class R, class Target, class... P, class... A>
  R call(const char* name, Target& target, R (Target::*op)(P...), A&&... args) {
    (check(name, args), ...);
    const opened scope(*this);
    return (target.*op)(std::forward<A>(args)...);
  }

 private:
  [[noreturn]] static void fail(const char* what) noexcept {
    std::fprintf(stderr, "guarded backend: %s\n", what);
    std::abort();
  }

  // Whether p lies in a live allocation (its end included: an empty view may point there).
  bool owns(const void* p) const {
    const char* c = static_cast<const char*>(p);
    auto it = live_.upper_bound(c);
    if (it == live_.begin()) return false;
    --it;
    return c <= it->first + it->second;
  }
  void require_host(const char* op, const void* p) const {
    if (p && owns(p))
      throw std::logic_error(std::string("guarded backend: ") + op + "'s host side is backend memory");
  }

  // Every pointer an operation is given must be backend memory (null: none).
  void require_device(const char* op, const void* p) const {
    if (p && !owns(p))
      throw std::logic_error(std::string("guarded backend: ") + op + " was given host memory");
  }
  void check(const char* op, float* p) const { require_device(op, p); }
  void check(const char* op, const float* p) const { require_device(op, p); }
  void check(const char* op, const_matrix_view m) const { require_device(op, m.data); }
  void check(const char* op, matrix_view m) const { require_device(op, m.data); }
  void check(const char* op, const sparse_view& s) const {
    for (const void* p : {static_cast<const void*>(s.offsets), static_cast<const void*>(s.cols_index),
                          static_cast<const void*>(s.values)})
      require_device(op, p);
  }
  void check(const char* op, float* const* state) const {
    for (int k = 0; k < 3; ++k) require_device(op, state[k]);
  }
  template <class T>
  void check(const char*, const T&) const {}  // settings, sizes and to_host/to_device's sides: checked apart

  void protect(int mode) noexcept {
    for (const auto& [p, length] : live_)
      if (::mprotect(p, length, mode) != 0) fail("mprotect failed");
  }

  // Opens every allocation for the duration of one call, and closes them again
  // (on exceptions too). Nesting only counts.
  struct opened {
    explicit opened(guarded_backend& g) : g_(g) {
      if (g_.open_++ == 0) g_.protect(PROT_READ | PROT_WRITE);
    }
    ~opened() {
      if (--g_.open_ == 0) g_.protect(PROT_NONE);
    }
    opened(const opened&) = delete;
    opened& operator=(const opened&) = delete;
    guarded_backend& g_;
  };

  const std::string name_;
  const std::size_t page_ = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  const std::unique_ptr<backend> inner_ = make_cpu_backend(1);
  std::map<char*, std::size_t, std::less<>> live_;  // allocation -> mapped length
  int open_ = 0;
};

// With the CPU backend's element-wise, loss and optimizer families.
class guarded_cpu_ops_backend final : public guarded_backend,
                                      public elementwise_ops,
                                      public loss_ops,
                                      public optimizer_ops {
 public:
  guarded_cpu_ops_backend() : guarded_backend("guarded-cpu") {}

  void multiply(const_matrix_view a, const_matrix_view b, matrix_view out) override {
    call("multiply", elementwise(), &elementwise_ops::multiply, a, b, out);
  }
  void add_row_vector(matrix_view y, const float* bias) override {
    call("add_row_vector", elementwise(), &elementwise_ops::add_row_vector, y, bias);
  }
  void column_sums(const_matrix_view x, float beta, float* sums) override {
    call("column_sums", elementwise(), &elementwise_ops::column_sums, x, beta, sums);
  }
  void activation_forward(activation a, const_matrix_view z, matrix_view y) override {
    call("activation_forward", elementwise(), &elementwise_ops::activation_forward, a, z, y);
  }
  void activation_backward(activation a, const_matrix_view z, const_matrix_view y, const_matrix_view dy,
                           matrix_view dz) override {
    call("activation_backward", elementwise(), &elementwise_ops::activation_backward, a, z, y, dy, dz);
  }
  void masked_squared_error(const_matrix_view output, const sparse_view& target, float grad_scale,
                            matrix_view grad, float* row_sums) override {
    call("masked_squared_error", losses(), &loss_ops::masked_squared_error, output, target, grad_scale, grad,
         row_sums);
  }
  void rated_squared_error(const float* predicted, const sparse_view& target, float grad_scale, float* grad,
                           float* row_sums) override {
    call("rated_squared_error", losses(), &loss_ops::rated_squared_error, predicted, target, grad_scale, grad,
         row_sums);
  }
  void multinomial_loss(const_matrix_view logits, const sparse_view& target, float grad_scale,
                        matrix_view grad, float* row_sums) override {
    call("multinomial_loss", losses(), &loss_ops::multinomial_loss, logits, target, grad_scale, grad,
         row_sums);
  }
  void optimizer_step(const optimizer_config& config, long step, std::size_t n, float* param,
                      const float* grad, float* const state[3]) override {
    call("optimizer_step", ops<optimizer_ops>(inner()), &optimizer_ops::optimizer_step, config, step, n,
         param, grad, state);
  }

 private:
  elementwise_ops& elementwise() { return ops<elementwise_ops>(inner()); }
  loss_ops& losses() { return ops<loss_ops>(inner()); }
};

}  // namespace

std::unique_ptr<backend> make_guarded_backend() { return std::make_unique<guarded_cpu_ops_backend>(); }

std::unique_ptr<backend> make_guarded_core_backend() {
  return std::make_unique<guarded_backend>("guarded-cpu, core only");
}

}  // namespace aerec::testing
