// The time one gradient exchange takes (mpi_collective::sum_gradients) for
// gradients of 0.1 to 100 MB in host memory, with caches cold as in training
// (a 256 MB buffer is written between exchanges); medians of 15. Run under
// mpirun: mpirun -np 2 build/native-release/bench/aerec_bench_exchange
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "aerec/backend/cpu_backend.h"
#include "aerec/train/mpi_collective.h"

int main() {
  aerec::mpi_collective together;
  const auto b = aerec::make_cpu_backend(1);
  std::vector<char> evict(std::size_t{256} << 20);
  if (together.rank() == 0)
    std::printf("%d processes: MB exchanged (float gradients), median ms of 15, GB/s\n", together.size());
  for (const double mb : {0.1, 0.3, 1.0, 3.0, 10.0, 21.5, 50.0, 100.0}) {
    const auto n = static_cast<std::size_t>(mb * 1e6 / sizeof(float));
    // Split as a network's weights: two large matrices and a small bias.
    std::vector<float> a(n / 2, 1.0f), c(n - n / 2 - 16, 2.0f), bias(16, 3.0f);
    std::vector<float> values(n);
    const aerec::parameter params[] = {{"a", values.data(), a.data(), a.size()},
                                       {"c", values.data(), c.data(), c.size()},
                                       {"bias", values.data(), bias.data(), bias.size()}};
    std::vector<double> ms;
    for (int k = 0; k < 15; ++k) {
      std::fill(evict.begin(), evict.end(), static_cast<char>(k));
      std::vector<double> sync{0};
      together.sum(sync);  // start together
      const auto start = std::chrono::steady_clock::now();
      together.sum_gradients(*b, params);
      ms.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    }
    std::nth_element(ms.begin(), ms.begin() + 7, ms.end());
    if (together.rank() == 0) std::printf("%7.1f %9.3f %7.2f\n", mb, ms[7], mb / ms[7]);
  }
  return 0;
}
