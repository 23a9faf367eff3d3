#pragma once
// How the processes of a data-parallel run combine what each computed on its
// share of a batch, at the one place where a trainer applies gradients. Every
// process sees the whole batch (the same data, shuffle and random draws) and
// computes on its share of the rows (share_of); each share's gradient is
// normalised by the whole batch, so their sum is the one process's gradient.
// One process has nothing to combine; mpi_collective.h combines over MPI.
#include <span>

#include "aerec/backend/backend.h"
#include "aerec/nn/layer.h"

namespace aerec {

// The rows [begin, end) of a batch of `total` rows that one process trains on.
struct batch_share {
  int begin = 0;
  int end = 0;
  int total = 0;
  int rows() const { return end - begin; }
  // The share's part of the batch's per-row terms (1 for a whole batch, and for an empty one).
  double fraction() const { return total > 0 ? static_cast<double>(rows()) / total : 1.0; }
};

class collective {
 public:
  virtual ~collective() = default;
  // This process's number (0 first) and how many take part.
  virtual int rank() const = 0;
  virtual int size() const = 0;
  // Replaces each parameter's gradient (in `b`'s memory) by its sum over every
  // process, in rank order, the same on every process.
  virtual void sum_gradients(backend& b, std::span<const parameter> params) = 0;
  // Sums host figures (a loss, counts) over every process, in place, in rank order.
  virtual void sum(std::span<double> values) = 0;

  // Contiguous shares in rank order, the first ranks taking one row more when
  // `total` does not divide evenly.
  batch_share share_of(int total) const;
  // Whether any process says yes (so that all stop at the same batch).
  bool any(bool mine);
};

// One process: nothing to combine.
class single_process final : public collective {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  void sum_gradients(backend&, std::span<const parameter>) override {}
  void sum(std::span<double>) override {}
};

// The collective of a run of one process, for callers that give none.
collective& one_process();

}  // namespace aerec
