#pragma once
// What the test figures (metrics.cpp, ranking_metrics.cpp) share: predicting
// many users a batch at a time, so that memory stays bounded by the batch
// (256 x items floats), not the whole user x item matrix.
#include <algorithm>
#include <memory>
#include <numeric>
#include <span>

#include "aerec/eval/metrics.h"

namespace aerec {

inline constexpr std::size_t prediction_batch_rows = 256;

// Calls visit(row, predictions of that row's `cols` columns) for each of `rows`, in order.
template <class Visit>
void for_each_prediction(std::span<const std::int32_t> rows, std::int32_t cols, const row_predictor& predict,
                         Visit&& visit) {
  const auto width = static_cast<std::size_t>(cols);
  for (std::size_t first = 0; first < rows.size(); first += prediction_batch_rows) {
    const auto batch = rows.subspan(first, std::min(prediction_batch_rows, rows.size() - first));
    const std::vector<float> predicted = predict(batch);
    for (std::size_t i = 0; i < batch.size(); ++i)
      visit(batch[i], std::span<const float>(predicted).subspan(i * width, width));
  }
}

// The model's predictions when each user's `input` row is its input. A model
// that takes the whole matrix predicts every row once, on the first call, and
// later calls read from that.
inline row_predictor model_predictor(autoencoder& model, const ratings& input) {
  if (model.takes_whole_matrix()) {
    auto whole = std::make_shared<std::vector<float>>();
    return [&model, &input, whole](std::span<const std::int32_t> rows) {
      const auto width = static_cast<std::size_t>(input.cols());
      if (whole->empty()) {
        std::vector<std::int32_t> every(static_cast<std::size_t>(input.rows()));
        std::iota(every.begin(), every.end(), 0);
        *whole = model.predict(gather_rows(input, every));
      }
      std::vector<float> out;
      out.reserve(rows.size() * width);
      for (const std::int32_t r : rows) {
        const auto first = whole->begin() + static_cast<std::ptrdiff_t>(static_cast<std::size_t>(r) * width);
        out.insert(out.end(), first, first + static_cast<std::ptrdiff_t>(width));
      }
      return out;
    };
  }
  return [&model, &input](std::span<const std::int32_t> rows) {
    return model.predict(gather_rows(input, rows));
  };
}

}  // namespace aerec
