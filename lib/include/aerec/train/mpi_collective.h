#pragma once
// Data-parallel training over MPI: every process of `mpirun -np N aerec train`
// holds the whole model, trains on its share of each batch (collective.h), and
// the gradients and figures are summed here, in rank order, the same on every
// process. Built with AEREC_MPI (Debian's Open MPI); without it the collective
// cannot be made and says how to build one that can. A GPU backend's gradients
// are summed GPU to GPU by NCCL where the CUDA build has it, else through the host.
#include <cstddef>
#include <memory>
#include <vector>

#include "aerec/train/collective.h"

namespace aerec {

class gpu_sum;

// Whether this aerec was built with MPI.
bool mpi_built();
// How many processes an MPI launcher (mpirun, srun) started with this one,
// from the environment it gives them; 0 when none did.
int mpi_launched_size();

class mpi_collective final : public collective {
 public:
  // Starts MPI (one thread calls it); throws error_code::invalid_argument in a
  // build without MPI.
  mpi_collective();
  // Ends MPI.
  ~mpi_collective() override;
  mpi_collective(const mpi_collective&) = delete;
  mpi_collective& operator=(const mpi_collective&) = delete;

  int rank() const override { return rank_; }
  int size() const override { return size_; }
  void sum_gradients(backend& b, std::span<const parameter> params) override;
  void sum(std::span<double> values) override;

  // This process's number among those on its machine (one GPU each).
  int local_rank() const { return local_rank_; }
  // Ends every process of the run with `code`, for a failure in this one.
  [[noreturn]] void abort(int code);

 private:
  // Sums `values` over the processes in rank order: each process adds up its
  // slice of them (a reduce-scatter), then every process gathers every slice.
  void sum_in_order(std::span<float> values);

  int rank_ = 0;
  int size_ = 1;
  int local_rank_ = 0;
  std::vector<float> flat_, pieces_;
  std::unique_ptr<gpu_sum> gpus_;  // NCCL's communicator, made at a GPU backend's first sum
};

}  // namespace aerec
