#pragma once
// Sums the gradients of a data-parallel run's GPUs with NCCL, GPU to GPU, on
// the CUDA backend's stream (internal: mpi_collective uses it for a GPU
// backend when aerec is built with NCCL, and MPI moves its unique id).
#include <array>
#include <memory>
#include <span>

#include "aerec/nn/layer.h"

namespace aerec {

class gpu_sum {
 public:
  using unique_id = std::array<char, 128>;  // ncclUniqueId's bytes
  // Whether this aerec was built with NCCL.
  static bool built();
  // A new communicator's id, made on rank 0 and given to every rank.
  static unique_id new_id();
  // Joins the communicator `id` as `rank` of `size` on the current GPU.
  gpu_sum(const unique_id& id, int rank, int size);
  ~gpu_sum();
  gpu_sum(const gpu_sum&) = delete;
  gpu_sum& operator=(const gpu_sum&) = delete;

  // Replaces each gradient (GPU memory) by its sum over the ranks: NCCL's
  // ring, the same order for every element on every rank, so every rank
  // holds the same bits.
  void sum(std::span<const parameter> params);

 private:
  struct state;
  std::unique_ptr<state> state_;
};

}  // namespace aerec
