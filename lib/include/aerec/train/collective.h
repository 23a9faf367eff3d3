#pragma once
// How the processes of a data-parallel run combine what each computed on its
// share of a batch, at the one place where the trainer applies gradients
// (trainer::apply_gradients). One process has nothing to combine; an MPI or
// NCCL collective implements this interface. Full-batch L-BFGS evaluates one
// deterministic objective and stays within one process.
#include <span>

#include "aerec/backend/backend.h"
#include "aerec/nn/layer.h"

namespace aerec {

class collective {
 public:
  virtual ~collective() = default;
  // This process's number (0 first) and how many take part.
  virtual int rank() const = 0;
  virtual int size() const = 0;
  // Replaces each parameter's gradient (in `b`'s memory) by its mean over
  // every process, as PyTorch's DistributedDataParallel does, so that each
  // applies the same update: each process's gradient is that of its share of
  // the batch, with the penalties added once, and the mean keeps both scales.
  virtual void average_gradients(backend& b, std::span<const parameter> params) = 0;
  // Sums host figures (a loss, counts) over every process, in place.
  virtual void sum(std::span<double> values) = 0;
};

// One process: nothing to combine.
class single_process final : public collective {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  void average_gradients(backend&, std::span<const parameter>) override {}
  void sum(std::span<double>) override {}
};

// The collective of a run of one process, for callers that give none.
collective& one_process();

}  // namespace aerec
