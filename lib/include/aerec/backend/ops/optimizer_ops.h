#pragma once
// Optimizer steps (PyTorch's, aerec/train/optimizer_config.h). An op family
// (backend.h).
#include <cstddef>
#include <cstdint>
#include <memory>

#include "aerec/backend/backend.h"
#include "aerec/train/optimizer_config.h"

namespace aerec {

class optimizer_ops : public op_family {
 public:
  // One optimizer step over n elements; `step` counts from 1; state[k] are the
  // optimizer's state arrays (optimizer_state_count of them; the others null).
  virtual void optimizer_step(const optimizer_config& config, long step, std::size_t n, float* param,
                              const float* grad, float* const state[3]) = 0;
  // The same step at some rows only (lazy updates, as PyTorch's SparseAdam):
  // the arrays are rows of `row_length` elements, and rows[0..count) ascending
  // row indices (a pointer and a count: nvcc compiles this header as C++17).
  // By default, optimizer_step over each run of consecutive rows.
  virtual void optimizer_step_rows(const optimizer_config& config, long step, std::size_t row_length,
                                   const std::int32_t* rows, std::size_t count, float* param,
                                   const float* grad, float* const state[3]);

  // The plain loop, on b's memory (lib/src/backend/host/).
  static std::unique_ptr<optimizer_ops> host_fallback(backend& b);
};

}  // namespace aerec
