// Times aerec's native prediction, one thread, for one user and for a batch of
// users: aerec_bench_predict MODEL USERS REPEATS [PREDICTIONS]
//
// USERS is raw little-endian float32, users x model items, row-major (0 = not
// rated): the same rows the JavaScript peers get (bench/inference/bench.mjs
// writes them). Batch 1 is the first row, batch N all N rows. Each repeat goes
// from the dense rows to the clipped predictions, as the wasm module's predict
// does. Prints {"batch1_us": median, "batchN_us": median, ...} as JSON; with
// PREDICTIONS, writes the batch's predictions there (float32) for the parity check.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "aerec/backend/cpu_backend.h"
#include "aerec/core/error.h"
#include "aerec/io/model_file.h"

namespace {

std::vector<float> read_floats(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw aerec::error(aerec::error_code::io_error, path + ": cannot open");
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<float> values(bytes.size() / sizeof(float));
  std::copy_n(bytes.data(), values.size() * sizeof(float), reinterpret_cast<char*>(values.data()));
  return values;
}

// The dense rows' predictions, as the wasm module's predictBatch makes them (model::predict_dense).
std::vector<float> predict(aerec::model& m, const float* dense, std::size_t rows) {
  return m.predict_dense({dense, rows * static_cast<std::size_t>(m.items().size())});
}

// Median microseconds of `repeats` calls, after as many warm-up calls.
double median_us(aerec::model& m, const float* dense, std::size_t rows, int repeats) {
  for (int i = 0; i < repeats; ++i) predict(m, dense, rows);
  std::vector<double> us;
  for (int i = 0; i < repeats; ++i) {
    const auto start = std::chrono::steady_clock::now();
    predict(m, dense, rows);
    us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count());
  }
  std::nth_element(us.begin(), us.begin() + repeats / 2, us.end());
  return us[static_cast<std::size_t>(repeats / 2)];
}

void write_floats(const std::string& path, const std::vector<float>& values) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(values.data()),
            static_cast<std::streamsize>(values.size() * sizeof(float)));
  if (!out) throw aerec::error(aerec::error_code::io_error, path + ": cannot write");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4 || argc > 5) {
    std::fprintf(stderr, "usage: %s MODEL USERS REPEATS [PREDICTIONS]\n", argv[0]);
    return 2;
  }
  try {
    const std::unique_ptr<aerec::backend> device = aerec::make_cpu_backend(1);
    aerec::model m = aerec::load_model(*device, argv[1]);
    const std::vector<float> dense = read_floats(argv[2]);
    const auto items = static_cast<std::size_t>(m.items().size());
    const std::size_t rows = dense.size() / items;
    const int repeats = std::stoi(argv[3]);
    if (rows == 0 || rows * items != dense.size() || repeats < 1)
      throw aerec::error(
          aerec::error_code::invalid_argument,
          std::string(argv[2]) + ": not whole rows of " + std::to_string(items) + " floats, or REPEATS < 1");
    const double one = median_us(m, dense.data(), 1, repeats);
    const double all = median_us(m, dense.data(), rows, repeats);
    if (argc == 5) write_floats(argv[4], predict(m, dense.data(), rows));
    std::printf("{\"batch1_us\": %.2f, \"batch%zu_us\": %.2f, \"repeats\": %d, \"items\": %zu}\n", one, rows,
                all, repeats, items);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "aerec_bench_predict: %s\n", e.what());
    return 1;
  }
  return 0;
}
