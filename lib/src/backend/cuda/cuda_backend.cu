// The CUDA backend: cuBLAS for dense products and BLAS-1, own kernels for the
// sparse layers and for every op family (activations, losses, penalties, the
// variational code, GLocal-K's operations, optimizer steps), so that none
// falls back on the host. Element-wise formulas come from the same headers as
// the host implementations' (activation_math.h, optimizer_math.h,
// penalty_math.h, ...). All work runs in order on the default stream; results
// that the host needs (losses, penalties) are copied back, which waits for the
// work before them.
#include <cstring>
#include <memory>
#include <string>
#include <type_traits>

#include "aerec/backend/ops/elementwise_ops.h"
#include "aerec/backend/ops/glocal_ops.h"
#include "aerec/backend/ops/loss_ops.h"
#include "aerec/backend/ops/optimizer_ops.h"
#include "aerec/backend/ops/penalty_ops.h"
#include "aerec/backend/ops/variational_ops.h"
#include "aerec/core/error.h"
#include "backend/activation_math.h"
#include "backend/cuda/cublas_library.h"
#include "backend/cuda/cuda_backend_impl.h"
#include "backend/cuda/launch.cuh"
#include "backend/glocal_math.h"
#include "backend/optimizer_math.h"
#include "backend/penalty_math.h"
#include "backend/variational_math.h"

namespace aerec::cuda {

namespace {
std::size_t count(int rows, int cols) { return std::size_t(rows) * std::size_t(cols); }
__device__ inline std::size_t at(int row, int cols, int col) { return std::size_t(row) * cols + col; }

// The optimizer's state arrays, passed to a kernel by value.
struct state_arrays {
  float* s[3];
};

template <optimizer_kind K, bool Decay, bool Momentum, bool Variant>
__global__ void optimizer_kernel(math::optimizer_scalars s, std::size_t n, float* param, const float* grad,
                                 state_arrays state) {
  for (std::size_t i = blockIdx.x * std::size_t(blockDim.x) + threadIdx.x; i < n;
       i += std::size_t(gridDim.x) * blockDim.x)
    math::optimizer_element<K, Decay, Momentum, Variant>(s, param[i], grad[i], state.s, i);
}

// A warp per entry (r, c): dot(A row r, B row c). Block (r, y) takes row r's
// entries y * warps + warp, y * warps + warp + step, ...: a row's entries are
// spread over gridDim.y blocks, so that even a batch of few rows fills the GPU.
__global__ void sampled_product_kernel(const float* a, const float* b, int k, sparse_view pattern,
                                       const float* bias, float* out) {
  const int r = blockIdx.x, lane = threadIdx.x % 32, warps = blockDim.x / 32;
  const int step = gridDim.y * warps;
  const float* ar = a + at(r, k, 0);
  for (int e = pattern.offsets[r] + blockIdx.y * warps + threadIdx.x / 32; e < pattern.offsets[r + 1];
       e += step) {
    const int c = pattern.cols_index[e];
    const float* bc = b + at(c, k, 0);
    // Four partial sums: four loads in flight per lane.
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int t = lane;
    for (; t + 96 < k; t += 128) {
      s0 += ar[t] * bc[t];
      s1 += ar[t + 32] * bc[t + 32];
      s2 += ar[t + 64] * bc[t + 64];
      s3 += ar[t + 96] * bc[t + 96];
    }
    for (; t < k; t += 32) s0 += ar[t] * bc[t];
    const float sum = warp_sum((s0 + s1) + (s2 + s3));
    if (lane == 0) out[e] = sum + (bias ? bias[c] : 0.0f);
  }
}

// Owners of what the backend makes, so that a constructor failing half-way
// frees what it had made.
struct blas_destroy {
  void operator()(cublasHandle_t h) const noexcept { cublas().destroy(h); }
};
struct device_free {
  void operator()(void* p) const noexcept { cudaFree(p); }
};
struct pinned_free {
  void operator()(void* p) const noexcept { cudaFreeHost(p); }
};
using blas_handle = std::unique_ptr<std::remove_pointer_t<cublasHandle_t>, blas_destroy>;
template <class T>
using device_memory = std::unique_ptr<T, device_free>;
template <class T>
using pinned_memory = std::unique_ptr<T, pinned_free>;

blas_handle make_blas() {
  cublasHandle_t h = nullptr;
  AEREC_CUDA_CHECK(cublas().create(&h));
  return blas_handle(h);
}
template <class T>
device_memory<T> device_alloc(std::size_t n) {
  void* p = nullptr;
  AEREC_CUDA_CHECK(cudaMalloc(&p, n * sizeof(T)));
  return device_memory<T>(static_cast<T*>(p));
}
template <class T>
pinned_memory<T> pinned_alloc(std::size_t n) {
  void* p = nullptr;
  AEREC_CUDA_CHECK(cudaMallocHost(&p, n * sizeof(T)));
  return pinned_memory<T>(static_cast<T*>(p));
}

}  // namespace

class cuda_backend final : public backend,
                           public elementwise_ops,
                           public loss_ops,
                           public penalty_ops,
                           public variational_ops,
                           public glocal_ops,
                           public optimizer_ops {
 public:
  explicit cuda_backend(int device) : name_(device_name(device)) {}

  std::string name() const override { return name_; }
  bool dense_beats_sparse() const override { return true; }
  bool host_memory() const override { return false; }

  void* allocate(std::size_t bytes) override {
    void* p = nullptr;
    AEREC_CUDA_CHECK(cudaMalloc(&p, bytes == 0 ? 1 : bytes));
    return p;
  }
  void deallocate(void* p) noexcept override { cudaFree(p); }
  // Small uploads (a batch, its dropout mask) go through pinned staging memory
  // and return at once: the host prepares the next batch while the GPU works.
  // The stream runs the copy after the work before it, so no kernel sees it early.
  void to_device(void* dst, const void* src, std::size_t bytes) override {
    if (bytes == 0) return;
    if (bytes > staging_size) {
      AEREC_CUDA_CHECK(cudaMemcpy(dst, src, bytes, cudaMemcpyHostToDevice));
      return;
    }
    if (staged_ + bytes > staging_size) {
      AEREC_CUDA_CHECK(cudaStreamSynchronize(nullptr));  // every earlier copy has left the staging memory
      staged_ = 0;
    }
    char* from = staging_.get() + staged_;
    std::memcpy(from, src, bytes);
    AEREC_CUDA_CHECK(cudaMemcpyAsync(dst, from, bytes, cudaMemcpyHostToDevice, nullptr));
    staged_ += (bytes + 255) / 256 * 256;
  }
  void to_host(void* dst, const void* src, std::size_t bytes) override {
    if (bytes) AEREC_CUDA_CHECK(cudaMemcpy(dst, src, bytes, cudaMemcpyDeviceToHost));
  }
  void fill(float* x, std::size_t n, float value) override {
    each_index(n, [=] __device__(std::size_t i) { x[i] = value; });
  }

  void copy(int n, const float* x, float* y) override {
    AEREC_CUDA_CHECK(cublas().copy(blas_.get(), n, x, 1, y, 1));
  }
  void scal(int n, float alpha, float* x) override {
    AEREC_CUDA_CHECK(cublas().scal(blas_.get(), n, &alpha, x, 1));
  }
  void axpy(int n, float alpha, const float* x, float* y) override {
    AEREC_CUDA_CHECK(cublas().axpy(blas_.get(), n, &alpha, x, 1, y, 1));
  }
  // The result comes back to the host, which waits for the work before it.
  float dot(int n, const float* x, const float* y) override {
    float result = 0;
    AEREC_CUDA_CHECK(cublas().dot(blas_.get(), n, x, 1, y, 1, &result));
    return result;
  }

  void gemm(bool transpose_a, bool transpose_b, float alpha, const_matrix_view a, const_matrix_view b,
            float beta, matrix_view c) override {
    const int depth = transpose_a ? a.rows : a.cols;
    if (c.rows == 0 || c.cols == 0) return;
    if (depth == 0) return scale(c.data, count(c.rows, c.cols), beta);
    // Row-major C = op(A) op(B) is column-major C^T = op(B)^T op(A)^T: swap the operands.
    AEREC_CUDA_CHECK(cublas().gemm(blas_.get(), transpose_b ? CUBLAS_OP_T : CUBLAS_OP_N,
                                   transpose_a ? CUBLAS_OP_T : CUBLAS_OP_N, c.cols, c.rows, depth, &alpha,
                                   b.data, b.cols, a.data, a.cols, &beta, c.data, c.cols));
  }

  void sparse_dense(const sparse_view& x, const_matrix_view w, float beta, matrix_view c) override {
    const int n = w.cols, parts = row_parts(x);
    const float* wd = w.data;
    float* cd = c.data;
    // Split rows add their parts' sums into C, scaled first.
    if (parts > 1) scale(cd, count(c.rows, c.cols), beta);
    each_cell_over_row_entries(
        x, n, parts, [] __device__(int, int) { return 0.0f; },
        [=] __device__(float& sum, int col, float v, int j) { sum += v * wd[at(col, n, j)]; },
        [=] __device__(float sum, int r, int j) {
          float& out = cd[at(r, n, j)];
          if (parts > 1)
            atomicAdd(&out, sum);
          else
            out = sum + scaled(beta, out);
        });
  }

  void sparse_t_dense(const sparse_view& x, const_matrix_view d, float beta, matrix_view g) override {
    scale(g.data, count(g.rows, g.cols), beta);
    const int n = d.cols;
    const float* dd = d.data;
    float* gd = g.data;
    each_cell_over_row_entries(
        x, n, row_parts(x), [=] __device__(int r, int j) { return dd[at(r, n, j)]; },
        [=] __device__(float& dv, int col, float v, int j) { atomicAdd(&gd[at(col, n, j)], v * dv); },
        [] __device__(float, int, int) {});
  }

  void sampled_product(const_matrix_view a, const_matrix_view b, const sparse_view& pattern,
                       const float* bias, float* out) override {
    if (pattern.rows == 0) return;
    const dim3 grid(static_cast<unsigned>(pattern.rows), 8);
    sampled_product_kernel<<<grid, block_threads>>>(a.data, b.data, a.cols, pattern, bias, out);
    AEREC_CUDA_LAUNCHED();
  }

  void gather(const_matrix_view x, const sparse_view& pattern, float* out) override {
    const float* xd = x.data;
    const int cols = x.cols;
    const sparse_view p = pattern;
    each_row(p.rows, [=] __device__(int r) {
      for (int e = p.offsets[r] + threadIdx.x; e < p.offsets[r + 1]; e += blockDim.x)
        out[e] = xd[at(r, cols, p.cols_index[e])] * p.values[e];
    });
  }

  void scatter(const sparse_view& x, matrix_view out) override {
    fill(out.data, count(out.rows, out.cols), 0);
    float* od = out.data;
    const int cols = out.cols;
    const sparse_view xs = x;
    each_row(xs.rows, [=] __device__(int r) {
      for (int e = xs.offsets[r] + threadIdx.x; e < xs.offsets[r + 1]; e += blockDim.x)
        od[at(r, cols, xs.cols_index[e])] = xs.values[e];
    });
  }

  void multiply(const_matrix_view a, const_matrix_view b, matrix_view out) override {
    const float *ad = a.data, *bd = b.data;
    float* od = out.data;
    each_index(count(a.rows, a.cols), [=] __device__(std::size_t i) { od[i] = ad[i] * bd[i]; });
  }

  void add_row_vector(matrix_view y, const float* bias) override {
    float* yd = y.data;
    const int cols = y.cols;
    each_index(count(y.rows, y.cols), [=] __device__(std::size_t i) { yd[i] += bias[i % cols]; });
  }

  void column_sums(const_matrix_view x, float beta, float* sums) override {
    const float* xd = x.data;
    const int cols = x.cols;
    column_sums_of(
        x.rows, x.cols, [=] __device__(int i, int j) -> double { return xd[at(i, cols, j)]; },
        [=] __device__(int j, double sum) { sums[j] = static_cast<float>(sum) + scaled(beta, sums[j]); });
  }

  void activation_forward(activation a, const_matrix_view z, matrix_view y) override {
    const float* zd = z.data;
    float* yd = y.data;
    each_index(count(z.rows, z.cols), [=] __device__(std::size_t i) { yd[i] = math::activate(a, zd[i]); });
  }

  void activation_backward(activation a, const_matrix_view z, const_matrix_view y, const_matrix_view dy,
                           matrix_view dz) override {
    const float *zd = z.data, *yd = y.data, *dyd = dy.data;
    float* dzd = dz.data;
    each_index(count(z.rows, z.cols), [=] __device__(std::size_t i) {
      dzd[i] = dyd[i] * math::activate_derivative(a, zd[i], yd[i]);
    });
  }

  void masked_squared_error(const_matrix_view output, const sparse_view& target, float grad_scale,
                            matrix_view grad, float* row_sums) override {
    fill(grad.data, count(grad.rows, grad.cols), 0);
    const float* od = output.data;
    float* gd = grad.data;
    const int cols = output.cols;
    squared_error(
        target, row_sums, [=] __device__(int r, int, int c) -> float { return od[at(r, cols, c)]; },
        [=] __device__(int r, int, int c, float err) { gd[at(r, cols, c)] = grad_scale * err; });
  }

  void rated_squared_error(const float* predicted, const sparse_view& target, float grad_scale, float* grad,
                           float* row_sums) override {
    squared_error(
        target, row_sums, [=] __device__(int, int e, int) -> float { return predicted[e]; },
        [=] __device__(int, int e, int, float err) { grad[e] = grad_scale * err; });
  }

  double activity_penalty(const aerec::activity_penalty& p, const_matrix_view h, const_matrix_view d_in,
                          float* d_out) override {
    const double scale = static_cast<double>(p.weight) / h.rows;
    const float* hd = h.data;
    const float* din = d_in.data;
    double* total = zeroed_total();
    if (p.kind == activity_kind::l1) {
      sum_into(
          count(h.rows, h.cols),
          [=] __device__(std::size_t i) -> double {
            const float x = hd[i];
            if (d_out) d_out[i] = din[i] + static_cast<float>(scale * ((x > 0) - (x < 0)));
            return scale * fabs(x);
          },
          total);
      return read_total();
    }
    // KL: each unit's mean activation over the batch, then a slope per unit.
    double* slope = scratch(static_cast<std::size_t>(h.cols));
    const int rows = h.rows, cols = h.cols;
    const double t = p.target, weight = p.weight;
    column_sums_of(
        rows, cols, [=] __device__(int i, int j) -> double { return hd[at(i, cols, j)]; },
        [=] __device__(int j, double sum) {
          const double mean = math::clamp_mean(sum / rows);
          atomicAdd(total, weight * math::kl_divergence(t, mean));
          slope[j] = scale * math::kl_slope(t, mean);
        });
    if (d_out)
      each_index(count(rows, cols),
                 [=] __device__(std::size_t i) { d_out[i] = din[i] + static_cast<float>(slope[i % cols]); });
    return read_total();
  }

  double contractive_penalty(activation a, float weight, const_matrix_view w, const_matrix_view y,
                             const_matrix_view d_in, float* d_out, float* w_grad) override {
    const double scale = static_cast<double>(weight) / y.rows;
    const int units = w.cols;
    double* s = scratch(2 * static_cast<std::size_t>(units));  // s_j = sum_k W_kj^2
    double* c = s + units;                                     // c_j = sum_i act'(z_ij)^2
    const float *wd = w.data, *yd = y.data, *din = d_in.data;
    column_sums_of(
        w.rows, units,
        [=] __device__(int k, int j) -> double { return double(wd[at(k, units, j)]) * wd[at(k, units, j)]; },
        [=] __device__(int j, double sum) { s[j] = sum; });
    column_sums_of(
        y.rows, units,
        [=] __device__(int i, int j) -> double {
          const double first = math::contractive_derivatives(a, yd[at(i, units, j)]).first;
          return first * first;
        },
        [=] __device__(int j, double sum) { c[j] = sum; });
    if (d_out)
      each_index(count(y.rows, units), [=] __device__(std::size_t i) {
        const double second = math::contractive_derivatives(a, yd[i]).second;
        d_out[i] = din[i] + static_cast<float>(scale * s[i % units] * 2 * second);
      });
    if (w_grad)
      each_index(count(w.rows, units), [=] __device__(std::size_t i) {
        w_grad[i] += static_cast<float>(scale * c[i % units] * 2 * wd[i]);
      });
    double* total = zeroed_total();
    sum_into(
        static_cast<std::size_t>(units),
        [=] __device__(std::size_t j) -> double { return scale * c[j] * s[j]; }, total);
    return read_total();
  }

  void gaussian_sample(const_matrix_view x, const float* eps, matrix_view z) override {
    const float* xd = x.data;
    float* zd = z.data;
    const int k = z.cols, width = x.cols;
    each_index(count(z.rows, k), [=] __device__(std::size_t e) {
      const int i = static_cast<int>(e / k), j = static_cast<int>(e % k);
      const float mu = xd[at(i, width, j)], logvar = xd[at(i, width, k + j)];
      zd[e] = eps ? math::sample_code(mu, logvar, eps[e]) : mu;
    });
  }

  double gaussian_backward(const_matrix_view x, const float* eps, const float* dz, float kl_weight,
                           float* dx) override {
    const int k = x.cols / 2, width = x.cols;
    const double scale = static_cast<double>(kl_weight) / x.rows;
    const float* xd = x.data;
    double* total = zeroed_total();
    sum_into(
        count(x.rows, k),
        [=] __device__(std::size_t e) -> double {
          const int i = static_cast<int>(e / k), j = static_cast<int>(e % k);
          const std::size_t m = at(i, width, j), v = at(i, width, k + j);
          const math::code_gradient g =
              math::code_backward(xd[m], xd[v], eps ? eps + e : nullptr, dx ? dz[e] : 0.0f, scale);
          if (dx) {
            dx[m] = g.d_mu;
            dx[v] = g.d_logvar;
          }
          return g.kl;
        },
        total);
    return scale * read_total();
  }

  void multinomial_loss(const_matrix_view logits, const sparse_view& target, float grad_scale,
                        matrix_view grad, float* row_sums) override {
    const float* zd = logits.data;
    float* gd = grad.data;
    const int cols = logits.cols;
    const sparse_view t = target;
    each_row(logits.rows, [=] __device__(int r) {
      const float* z = zd + at(r, cols, 0);
      float top = -INFINITY;
      for (int j = threadIdx.x; j < cols; j += blockDim.x) top = fmaxf(top, z[j]);
      top = block_max(top);
      double sum = 0;
      for (int j = threadIdx.x; j < cols; j += blockDim.x) sum += exp(static_cast<double>(z[j] - top));
      const double log_norm = top + log(block_sum(sum));
      const int begin = t.offsets[r], end = t.offsets[r + 1];
      double nll = 0;
      for (int e = begin + threadIdx.x; e < end; e += blockDim.x) nll += log_norm - z[t.cols_index[e]];
      nll = block_sum(nll);
      if (threadIdx.x == 0) row_sums[r] = static_cast<float>(nll);
      float* g = gd + at(r, cols, 0);
      for (int j = threadIdx.x; j < cols; j += blockDim.x)
        g[j] = static_cast<float>(static_cast<double>(grad_scale) * (end - begin) * exp(z[j] - log_norm));
      __syncthreads();
      for (int e = begin + threadIdx.x; e < end; e += blockDim.x) atomicAdd(&g[t.cols_index[e]], -grad_scale);
    });
  }

  double local_kernel(const_matrix_view a, const_matrix_view b, const float* w, float* kernel,
                      float* w_eff) override {
    const float *ad = a.data, *bd = b.data;
    const int d = a.cols, cols = b.rows;
    double* total = zeroed_total();
    sum_into(
        count(a.rows, cols),
        [=] __device__(std::size_t e) -> double {
          const int i = static_cast<int>(e / cols), j = static_cast<int>(e % cols);
          const float k = math::kernel_value(ad + at(i, d, 0), bd + at(j, d, 0), d);
          kernel[e] = k;
          w_eff[e] = w[e] * k;
          return static_cast<double>(k) * k;
        },
        total);
    return read_total();
  }

  void local_kernel_backward(const_matrix_view a, const_matrix_view b, const float* w, const float* kernel,
                             const float* d_eff, float penalty, float beta, float* dw, float* da,
                             float* db) override {
    const float *ad = a.data, *bd = b.data;
    const int d = a.cols, rows = a.rows, cols = b.rows;
    each_index(count(rows, cols),
               [=] __device__(std::size_t e) { dw[e] = scaled(beta, dw[e]) + d_eff[e] * kernel[e]; });
    // term(i, j, k) summed over j is -da_i[k], over i db_j[k]; max(0, .) is flat where the kernel is 0.
    const auto term = [=] __device__(int i, int j, int k) -> double {
      const std::size_t e = at(i, cols, j);
      return kernel[e] > 0 ? math::kernel_slope(d_eff[e], w[e], penalty, kernel[e]) *
                                 (ad[at(i, d, k)] - bd[at(j, d, k)])
                           : 0.0;
    };
    each_row(rows, [=] __device__(int i) {
      for (int k = 0; k < d; ++k) {
        const double sum = block_sum_of(cols, [&](int j) { return term(i, j, k); });
        if (threadIdx.x == 0) da[at(i, d, k)] = scaled(beta, da[at(i, d, k)]) - static_cast<float>(sum);
      }
    });
    each_row(cols, [=] __device__(int j) {
      for (int k = 0; k < d; ++k) {
        const double sum = block_sum_of(rows, [&](int i) { return term(i, j, k); });
        if (threadIdx.x == 0) db[at(j, d, k)] = scaled(beta, db[at(j, d, k)]) + static_cast<float>(sum);
      }
    });
  }

  void global_convolve(const_matrix_view x, const float* k, int size, matrix_view out) override {
    const float* xd = x.data;
    float* od = out.data;
    const int rows = x.rows, cols = x.cols, half = size / 2;
    each_cell(rows, cols, [=] __device__(int i, int j) {
      float sum = 0;
      for (int p = 0; p < size; ++p)
        for (int q = 0; q < size; ++q) {
          const int si = i + p - half, sj = j + q - half;
          if (si >= 0 && si < rows && sj >= 0 && sj < cols) sum += k[p * size + q] * xd[at(si, cols, sj)];
        }
      od[at(i, cols, j)] = sum;
    });
  }

  void global_convolve_kernel_grad(const_matrix_view x, const_matrix_view d, int size, float* dk) override {
    const int taps = size * size, rows = x.rows, cols = x.cols, half = size / 2;
    double* sums = scratch(static_cast<std::size_t>(taps));
    AEREC_CUDA_CHECK(cudaMemset(sums, 0, sizeof(double) * taps));
    const float *xd = x.data, *gd = d.data;
    // One pass over the cells per tap: taps are few (9 for 3 x 3).
    for (int t = 0; t < taps; ++t) {
      const int p = t / size - half, q = t % size - half;
      sum_into(
          count(rows, cols),
          [=] __device__(std::size_t e) -> double {
            const int i = static_cast<int>(e / cols), j = static_cast<int>(e % cols);
            const int si = i + p, sj = j + q;
            if (si < 0 || si >= rows || sj < 0 || sj >= cols) return 0.0;
            return static_cast<double>(gd[e]) * xd[at(si, cols, sj)];
          },
          sums + t);
    }
    each_index(static_cast<std::size_t>(taps),
               [=] __device__(std::size_t t) { dk[t] = static_cast<float>(sums[t]); });
  }

  void optimizer_step(const optimizer_config& config, long step, std::size_t n, float* param,
                      const float* grad, float* const state[3]) override {
    if (n == 0) return;
    const math::optimizer_scalars s = math::make_optimizer_scalars(config, step);
    const state_arrays arrays{{state[0], state[1], state[2]}};
    const std::size_t blocks = (n + block_threads - 1) / block_threads;
    const unsigned grid = static_cast<unsigned>(blocks < 8192 ? blocks : 8192);
    math::with_optimizer_choices(s, [&](auto kind, auto decay, auto momentum, auto variant) {
      optimizer_kernel<decltype(kind)::value, decltype(decay)::value, decltype(momentum)::value,
                       decltype(variant)::value><<<grid, block_threads>>>(s, n, param, grad, arrays);
    });
    AEREC_CUDA_LAUNCHED();
  }

  // Each row's sum of squared errors err = value(r, e, c) - target into
  // row_sums[r], and write_grad(r, e, c, err) at each entry.
  template <class Value, class WriteGrad>
  void squared_error(const sparse_view& target, float* row_sums, Value value, WriteGrad write_grad) {
    const sparse_view t = target;
    each_row(t.rows, [=] __device__(int r) {
      double sum = 0;
      for (int e = t.offsets[r] + threadIdx.x; e < t.offsets[r + 1]; e += blockDim.x) {
        const int c = t.cols_index[e];
        const float err = value(r, e, c) - t.values[e];
        sum += static_cast<double>(err) * err;
        write_grad(r, e, c, err);
      }
      sum = block_sum(sum);
      if (threadIdx.x == 0) row_sums[r] = static_cast<float>(sum);
    });
  }

 private:
  // A device double accumulator, zeroed, and its value once the work before finishes.
  double* zeroed_total() {
    AEREC_CUDA_CHECK(cudaMemset(total_.get(), 0, sizeof(double)));
    return total_.get();
  }
  double read_total() {
    double value = 0;
    to_host(&value, total_.get(), sizeof value);
    return value;
  }

  // Scratch room for n doubles, valid until the next call.
  double* scratch(std::size_t n) {
    if (n > scratch_size_) {
      AEREC_CUDA_CHECK(cudaDeviceSynchronize());  // work in flight may still read the old room
      scratch_.reset();
      scratch_size_ = 0;
      scratch_ = device_alloc<double>(n);
      scratch_size_ = n;
    }
    return scratch_.get();
  }

  // "cuda (its name)", once the device is the current one.
  static std::string device_name(int device) {
    AEREC_CUDA_CHECK(cudaSetDevice(device));
    cudaDeviceProp props{};
    AEREC_CUDA_CHECK(cudaGetDeviceProperties(&props, device));
    return std::string("cuda (") + props.name + ")";
  }

  static constexpr std::size_t staging_size = std::size_t(16) << 20;

  std::string name_;
  blas_handle blas_ = make_blas();
  pinned_memory<char> staging_ = pinned_alloc<char>(staging_size);  // for to_device
  std::size_t staged_ = 0;  // bytes of it in use since the last synchronisation
  device_memory<double> total_ = device_alloc<double>(1);
  device_memory<double> scratch_;
  std::size_t scratch_size_ = 0;
};

std::unique_ptr<backend> make_backend_on(int device) { return std::make_unique<cuda_backend>(device); }

}  // namespace aerec::cuda
