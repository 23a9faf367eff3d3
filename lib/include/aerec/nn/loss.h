#pragma once
// Masked mean squared error: only rated entries (the target's nonzeros) count.
#include <cstdint>
#include <string>
#include <vector>

#include "aerec/backend/device_array.h"

namespace aerec {

// What the squared error is divided by. all_entries is PyTorch's MSELoss over
// the whole output row (rated entries only contribute), as the seed's code
// computes it; rated_entries averages over the rated entries (AutoRec, DeepRec).
enum class loss_normalization { all_entries, rated_entries };

const char* loss_normalization_name(loss_normalization n);
loss_normalization parse_loss_normalization(const std::string& name);

// The batch a loss is normalised by: a data-parallel process's share of a
// batch is normalised by the whole batch (collective.h), so that the shares'
// gradients sum to the whole batch's.
struct batch_extent {
  std::int64_t rows;
  std::int64_t rated;  // the target's entries
};

struct loss_value {
  double loss;                  // sum of squared errors / normaliser
  std::vector<float> row_sums;  // each row's sum of squared errors (or its multinomial_nll)
  std::size_t rated;            // how many entries counted
};

class masked_mse {
 public:
  masked_mse(backend& b, loss_normalization normalization) : backend_(b), norm_(normalization) {}

  // The loss of `output` against `target`; writes dL/d(output) into `grad`.
  // Normalised by `whole` when given, by `target` otherwise.
  loss_value evaluate(const_matrix_view output, const sparse_view& target, matrix_view grad,
                      const batch_extent* whole = nullptr);
  // The same for outputs computed only at the target's entries (`predicted`
  // and `grad` hold one value per entry, in its order).
  loss_value evaluate_rated(const float* predicted, const sparse_view& target, float* grad,
                            const batch_extent* whole = nullptr);

 private:
  // kernel(grad_scale, row_sums) fills the backend's per-row sums of squared errors.
  template <class Kernel>
  loss_value evaluate_with(const sparse_view& target, const batch_extent* whole, Kernel&& kernel);

  backend& backend_;
  loss_normalization norm_;
  device_array<float> row_sums_;
};

// The multinomial log-likelihood of Mult-VAE and Mult-DAE (Liang et al. 2018):
// each row's target entries are the items a user interacted with (their values
// do not matter), and the loss is the negative log-likelihood of those items
// under softmax(output row), averaged over rows. row_sums then holds each
// row's negative log-likelihood.
class multinomial_nll {
 public:
  explicit multinomial_nll(backend& b) : backend_(b) {}
  // Averaged over `whole`'s rows when given, over `target`'s otherwise.
  loss_value evaluate(const_matrix_view output, const sparse_view& target, matrix_view grad,
                      const batch_extent* whole = nullptr);

 private:
  backend& backend_;
  device_array<float> row_sums_;
};

}  // namespace aerec
