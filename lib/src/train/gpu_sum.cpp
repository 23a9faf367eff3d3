#include "train/gpu_sum.h"

#include <cstring>
#include <string>

#include "aerec/core/error.h"

#ifdef AEREC_NCCL
#include <nccl.h>
#endif

namespace aerec {

#ifdef AEREC_NCCL

namespace {

void check(ncclResult_t status, const char* call) {
  if (status != ncclSuccess)
    throw error(error_code::device_error, std::string(call) + ": " + ncclGetErrorString(status));
}

}  // namespace

struct gpu_sum::state {
  ncclComm_t comm = nullptr;
};

bool gpu_sum::built() { return true; }

gpu_sum::unique_id gpu_sum::new_id() {
  static_assert(sizeof(ncclUniqueId) == sizeof(unique_id));
  ncclUniqueId id;
  check(ncclGetUniqueId(&id), "ncclGetUniqueId");
  unique_id bytes;
  std::memcpy(bytes.data(), &id, bytes.size());
  return bytes;
}

gpu_sum::gpu_sum(const unique_id& id, int rank, int size) : state_(std::make_unique<state>()) {
  ncclUniqueId nccl_id;
  std::memcpy(&nccl_id, id.data(), id.size());
  check(ncclCommInitRank(&state_->comm, size, nccl_id, rank), "ncclCommInitRank");
}

gpu_sum::~gpu_sum() {
  if (state_->comm) ncclCommDestroy(state_->comm);
}

void gpu_sum::sum(std::span<const parameter> params) {
  // The CUDA backend runs everything on the default stream: the sums follow
  // the backward pass that wrote the gradients, and precede the optimizer.
  check(ncclGroupStart(), "ncclGroupStart");
  for (const parameter& p : params)
    check(ncclAllReduce(p.grad, p.grad, p.size, ncclFloat, ncclSum, state_->comm, nullptr), "ncclAllReduce");
  check(ncclGroupEnd(), "ncclGroupEnd");
}

#else

struct gpu_sum::state {};

bool gpu_sum::built() { return false; }

gpu_sum::unique_id gpu_sum::new_id() { return {}; }

gpu_sum::gpu_sum(const unique_id&, int, int) {
  throw error(error_code::device_error, "this aerec was built without NCCL");
}

gpu_sum::~gpu_sum() = default;

void gpu_sum::sum(std::span<const parameter>) {}

#endif

}  // namespace aerec
