// The ceilings of one core for the inference benchmark, measured in
// WebAssembly SIMD128 as the module runs (bench/inference.sh builds this with
// emcc and runs it in Node): the arithmetic peak of 128-bit multiplies and
// adds (no fused multiply-add in wasm SIMD), the bandwidth of loads from a
// buffer larger than the caches (one stream or two, the faster), and from a
// 16 MiB one read again and again (a last-level cache's, where it holds it).
// Prints them as JSON.
#include <emscripten.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <vector>

typedef float v4 __attribute__((vector_size(16)));

// Read and written through volatile pointers, so that the compiler can neither
// fold the loops (a multiply by a known 1 is no work) nor drop them.
v4 seeds[4];
v4 sinks[12];

namespace {

// `iterations` of 12 independent vector operations (6 adds, 6 multiplies):
// enough chains to fill the pipelines at a latency of 3-4 cycles, and few
// enough to stay in V8's 15 vector registers.
__attribute__((noinline)) void multiply_add_chains(long iterations) {
  volatile v4* in = seeds;
  const v4 x = in[0], y = in[1], scale = in[2], step = in[3];
  v4 a0 = x, a1 = x + 1, a2 = x + 2, a3 = x + 3, a4 = x + 4, a5 = x + 5;
  v4 m0 = y, m1 = y + 1, m2 = y + 2, m3 = y + 3, m4 = y + 4, m5 = y + 5;
  for (long i = 0; i < iterations; ++i) {
    a0 += step, a1 += step, a2 += step, a3 += step, a4 += step, a5 += step;
    m0 *= scale, m1 *= scale, m2 *= scale, m3 *= scale, m4 *= scale, m5 *= scale;
  }
  const v4 out[12] = {a0, a1, a2, a3, a4, a5, m0, m1, m2, m3, m4, m5};
  volatile v4* to = sinks;
  for (int k = 0; k < 12; ++k) to[k] = out[k];
}

// The sum of n floats (n a multiple of 16 * S), read as S streams, one from
// each S-th of them (the hardware prefetcher follows a few streams far apart
// faster than one), four loads in flight in each.
template <int S>
__attribute__((noinline)) float stream_sum(const float* p, std::size_t n) {
  v4 s[S][4] = {};
  const std::size_t part = n / S;
  for (std::size_t i = 0; i < part; i += 16)
    for (int q = 0; q < S; ++q)
      for (int k = 0; k < 4; ++k) {
        v4 x;
        std::memcpy(&x, p + q * part + i + 4 * k, sizeof x);
        s[q][k] += x;
      }
  v4 t{};
  for (int q = 0; q < S; ++q) t += (s[q][0] + s[q][1]) + (s[q][2] + s[q][3]);
  return t[0] + t[1] + t[2] + t[3];
}

// The best rate of `runs` timed calls of f, `amount` (flops or bytes) each:
// the best, since a shared machine only ever slows a run down.
template <class F>
double best_rate(int runs, double amount, F&& f) {
  double best = 0;
  for (int r = 0; r < runs; ++r) {
    const double start = emscripten_get_now();
    f();
    const double seconds = (emscripten_get_now() - start) / 1e3;
    best = std::max(best, amount / seconds);
  }
  return best;
}

}  // namespace

int main() {
  seeds[0] = v4{1, 2, 3, 4};
  seeds[1] = seeds[2] = v4{1, 1, 1, 1};
  const long iterations = 2'000'000;
  const double peak = best_rate(40, 12.0 * 4 * iterations, [&] { multiply_add_chains(iterations); });
  // 256 MiB: eight times a 32 MiB L3.
  std::vector<float> buffer((256u << 20) / sizeof(float), 1.0f);
  float sum = 0;
  const auto bytes = static_cast<double>(buffer.size() * sizeof(float));
  // One stream and two, alternately: the faster is the ceiling (the module's
  // one-row products read two).
  double one = 0, two = 0;
  for (int r = 0; r < 6; ++r) {
    one = std::max(one, best_rate(1, bytes, [&] { sum += stream_sum<1>(buffer.data(), buffer.size()); }));
    two = std::max(two, best_rate(1, bytes, [&] { sum += stream_sum<2>(buffer.data(), buffer.size()); }));
  }
  // 16 MiB read again and again: what one user's call meets when DeepRecommender's 14 MB of
  // weights stay in a last-level cache that holds them (as they do, called call after call, on
  // a machine whose L3 is larger), the fastest of one stream, two and four after a first,
  // untimed read (more streams did not read faster).
  std::vector<float> cached((16u << 20) / sizeof(float), 1.0f);
  const auto cached_bytes = static_cast<double>(cached.size() * sizeof(float));
  sum += stream_sum<1>(cached.data(), cached.size());
  double in_cache = 0;
  for (int r = 0; r < 20; ++r) {
    in_cache = std::max(
        in_cache, best_rate(1, cached_bytes, [&] { sum += stream_sum<1>(cached.data(), cached.size()); }));
    in_cache = std::max(
        in_cache, best_rate(1, cached_bytes, [&] { sum += stream_sum<2>(cached.data(), cached.size()); }));
    in_cache = std::max(
        in_cache, best_rate(1, cached_bytes, [&] { sum += stream_sum<4>(cached.data(), cached.size()); }));
  }
  std::printf(
      "{\"simd128_gflops\": %.2f, \"stream_gbs\": %.2f, \"one_stream_gbs\": %.2f, \"two_streams_gbs\": %.2f, "
      "\"cached_16mib_gbs\": %.2f, \"check\": %g}\n",
      peak / 1e9, std::max(one, two) / 1e9, one / 1e9, two / 1e9, in_cache / 1e9, static_cast<double>(sum));
  return 0;
}
