// aerec's t-SNE on raw codes, for bench/tsne_vs_sklearn.py:
// aerec_bench_tsne CODES.f32 DIMS OUT.f32 [THREADS] [PERPLEXITY] [SEED] [METHOD]
// CODES.f32: N x DIMS little-endian float32, row-major. METHOD: automatic (the
// default), exact, neighbors or interpolated, to time one against another.
// Writes the N x 2 map to OUT.f32 and prints {"points", "seconds",
// "kl_divergence"} as JSON.
#include "aerec/map/tsne.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "aerec/core/error.h"

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s CODES.f32 DIMS OUT.f32 [THREADS] [PERPLEXITY] [SEED] [METHOD]\n",
                 argv[0]);
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<float> codes(bytes.size() / sizeof(float));
  std::memcpy(codes.data(), bytes.data(), codes.size() * sizeof(float));
  const int dims = std::atoi(argv[2]);
  aerec::tsne_options o;
  if (argc > 4) o.threads = std::atoi(argv[4]);
  if (argc > 5) o.perplexity = std::atof(argv[5]);
  if (argc > 6) o.seed = std::strtoull(argv[6], nullptr, 10);
  if (argc > 7) {
    const std::string method = argv[7];
    if (method == "exact") {
      o.method = aerec::tsne_method::exact;
    } else if (method == "neighbors") {
      o.method = aerec::tsne_method::neighbors;
    } else if (method == "interpolated") {
      o.method = aerec::tsne_method::interpolated;
    } else if (method != "automatic") {
      std::fprintf(stderr, "aerec_bench_tsne: unknown method %s\n", argv[7]);
      return 2;
    }
  }
  try {
    const auto start = std::chrono::steady_clock::now();
    const aerec::tsne_result r = aerec::tsne(codes, dims, o);
    const std::chrono::duration<double> seconds = std::chrono::steady_clock::now() - start;
    std::ofstream(argv[3], std::ios::binary)
        .write(reinterpret_cast<const char*>(r.positions.data()),
               static_cast<std::streamsize>(r.positions.size() * sizeof(float)));
    std::printf("{\"points\": %zu, \"seconds\": %.3f, \"kl_divergence\": %.6f}\n", codes.size() / dims,
                seconds.count(), r.kl_divergence);
  } catch (const aerec::error& e) {
    std::fprintf(stderr, "aerec_bench_tsne: %s\n", e.what());
    return 1;
  }
}
