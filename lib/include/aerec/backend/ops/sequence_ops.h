#pragma once
// Data movement of sequence batches (core/shape.h: a row is `steps` blocks of
// features): between a batch's row-major order and step-major order, in which
// each step's rows are contiguous (a recurrent layer's GEMM per step needs
// them so), copies of column ranges, and repeating a vector over steps. An op
// family (backend.h).
#include <memory>

#include "aerec/backend/backend.h"

namespace aerec {

class sequence_ops : public op_family {
 public:
  // in is a x b blocks of `block` floats (a x b*block), out the same blocks
  // b x a (b x a*block): a batch's rows x steps to steps x rows and back.
  virtual void swap_blocks(const_matrix_view in, int block, matrix_view out) = 0;
  // out's columns [out_first, out_first + cols) = in's [in_first, ...), row by
  // row (in and out have as many rows).
  virtual void copy_columns(const_matrix_view in, int in_first, matrix_view out, int out_first, int cols) = 0;
  // out (rows x steps*f) = x (rows x f) repeated at every step.
  virtual void repeat_steps(const_matrix_view x, matrix_view out) = 0;
  // out (rows x f) = the sum over steps of d (rows x steps*f).
  virtual void sum_steps(const_matrix_view d, matrix_view out) = 0;

  // The plain loops, on b's memory (lib/src/backend/host/).
  static std::unique_ptr<sequence_ops> host_fallback(backend& b);
};

}  // namespace aerec
