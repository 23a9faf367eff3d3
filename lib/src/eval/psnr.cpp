#include "aerec/eval/psnr.h"

#include <algorithm>
#include <cmath>

#include "aerec/core/error.h"

namespace aerec {

double psnr_of(double mse) { return 10 * std::log10(1 / std::max(mse, 1e-10)); }

double mean_psnr(std::span<const float> images, std::span<const float> clean, int pixels) {
  AEREC_ASSERT(pixels > 0 && images.size() == clean.size() &&
               clean.size() % static_cast<std::size_t>(pixels) == 0);
  const std::size_t n = clean.size() / static_cast<std::size_t>(pixels);
  double sum = 0;
  for (std::size_t i = 0; i < n; ++i) {
    double squared = 0;
    for (std::size_t p = i * static_cast<std::size_t>(pixels); p < (i + 1) * static_cast<std::size_t>(pixels);
         ++p)
      squared += (static_cast<double>(images[p]) - clean[p]) * (static_cast<double>(images[p]) - clean[p]);
    sum += psnr_of(squared / pixels);
  }
  return n == 0 ? 0 : sum / static_cast<double>(n);
}

}  // namespace aerec
