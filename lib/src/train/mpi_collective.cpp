#include "aerec/train/mpi_collective.h"

#include <algorithm>
#include <cstdlib>
#include <string>

#include "aerec/core/error.h"
#include "train/gpu_sum.h"

#ifdef AEREC_MPI
#include <mpi.h>
#endif

namespace aerec {

bool mpi_built() {
#ifdef AEREC_MPI
  return true;
#else
  return false;
#endif
}

int mpi_launched_size() {
  // Open MPI's mpirun, then the PMI launchers (Slurm's srun, MPICH's hydra).
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_SIZE", "PMI_SIZE"})
    if (const char* value = std::getenv(name)) return std::atoi(value);
  return 0;
}

#ifdef AEREC_MPI

namespace {

void check(int status, const char* call) {
  if (status == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(status, text, &length);
  throw error(error_code::internal,
              std::string(call) + ": " + std::string(text, static_cast<std::size_t>(length)));
}

// The first element of rank r's slice of n values.
std::size_t slice_start(std::size_t n, int r, int size) {
  return n * static_cast<std::size_t>(r) / static_cast<std::size_t>(size);
}

}  // namespace

mpi_collective::mpi_collective() {
  int provided = 0;
  check(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
  // Errors come back as codes, to be thrown with their text, not as MPI's own abort.
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  MPI_Comm local;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &local);
  MPI_Comm_rank(local, &local_rank_);
  MPI_Comm_free(&local);
}

mpi_collective::~mpi_collective() {
  gpus_.reset();  // NCCL's communicator before MPI's end
  MPI_Finalize();
}

void mpi_collective::abort(int code) {
  MPI_Abort(MPI_COMM_WORLD, code);
  std::_Exit(code);  // MPI_Abort does not return; this says so to the compiler
}

void mpi_collective::sum_in_order(std::span<float> values) {
  const std::size_t n = values.size();
  const auto count = [&](int r) {
    return static_cast<int>(slice_start(n, r + 1, size_) - slice_start(n, r, size_));
  };
  const int mine = count(rank_);
  const auto ranks = static_cast<std::size_t>(size_);
  std::vector<int> send_counts(ranks), send_at(ranks), receive_counts(ranks, mine), receive_at(ranks);
  for (int r = 0; r < size_; ++r) {
    const auto i = static_cast<std::size_t>(r);
    send_counts[i] = count(r);
    send_at[i] = static_cast<int>(slice_start(n, r, size_));
    receive_at[i] = r * mine;
  }
  // Never shrunk: a vector that grows again would zero its new part first.
  if (pieces_.size() < ranks * static_cast<std::size_t>(mine))
    pieces_.resize(ranks * static_cast<std::size_t>(mine));
  check(MPI_Alltoallv(values.data(), send_counts.data(), send_at.data(), MPI_FLOAT, pieces_.data(),
                      receive_counts.data(), receive_at.data(), MPI_FLOAT, MPI_COMM_WORLD),
        "MPI_Alltoallv");
  float* slice = values.data() + slice_start(n, rank_, size_);
  std::copy_n(pieces_.data(), mine, slice);
  for (int r = 1; r < size_; ++r) {
    const float* piece = pieces_.data() + static_cast<std::size_t>(r) * static_cast<std::size_t>(mine);
    for (int i = 0; i < mine; ++i) slice[i] += piece[i];
  }
  check(MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_FLOAT, values.data(), send_counts.data(), send_at.data(),
                       MPI_FLOAT, MPI_COMM_WORLD),
        "MPI_Allgatherv");
}

void mpi_collective::sum_gradients(backend& b, std::span<const parameter> params) {
  if (size_ == 1) return;
  // GPU to GPU, where NCCL is built in.
  if (!b.host_memory() && gpu_sum::built()) {
    if (!gpus_) {
      gpu_sum::unique_id id = rank_ == 0 ? gpu_sum::new_id() : gpu_sum::unique_id{};
      check(MPI_Bcast(id.data(), static_cast<int>(id.size()), MPI_BYTE, 0, MPI_COMM_WORLD), "MPI_Bcast");
      gpus_ = std::make_unique<gpu_sum>(id, rank_, size_);
    }
    gpus_->sum(params);
    return;
  }
  // A large gradient in host memory is summed where it is; the others (the
  // small ones, whose exchanges would cost a latency each, and a GPU's) go
  // through one host buffer together.
  constexpr std::size_t in_place = std::size_t{1} << 16;
  const auto direct = [&](const parameter& p) { return b.host_memory() && p.size >= in_place; };
  std::size_t packed = 0;
  for (const parameter& p : params) packed += direct(p) ? 0 : p.size;
  flat_.resize(packed);
  std::size_t at = 0;
  for (const parameter& p : params) {
    if (direct(p)) {
      sum_in_order({p.grad, p.size});
      continue;
    }
    b.to_host(flat_.data() + at, p.grad, p.size * sizeof(float));
    at += p.size;
  }
  if (packed == 0) return;
  sum_in_order(flat_);
  at = 0;
  for (const parameter& p : params) {
    if (direct(p)) continue;
    b.to_device(p.grad, flat_.data() + at, p.size * sizeof(float));
    at += p.size;
  }
}

void mpi_collective::sum(std::span<double> values) {
  if (size_ == 1 || values.empty()) return;
  std::vector<double> all(values.size() * static_cast<std::size_t>(size_));
  check(MPI_Allgather(values.data(), static_cast<int>(values.size()), MPI_DOUBLE, all.data(),
                      static_cast<int>(values.size()), MPI_DOUBLE, MPI_COMM_WORLD),
        "MPI_Allgather");
  for (std::size_t i = 0; i < values.size(); ++i) {
    double total = 0;
    for (int r = 0; r < size_; ++r) total += all[static_cast<std::size_t>(r) * values.size() + i];
    values[i] = total;
  }
}

#else

mpi_collective::mpi_collective() {
  throw error(error_code::invalid_argument,
              "this aerec was built without MPI: configure with -DAEREC_MPI=ON (Debian's libopenmpi-dev) "
              "to train across processes");
}

mpi_collective::~mpi_collective() = default;

void mpi_collective::abort(int code) { std::_Exit(code); }

void mpi_collective::sum_in_order(std::span<float>) {}

void mpi_collective::sum_gradients(backend&, std::span<const parameter>) {}

void mpi_collective::sum(std::span<double>) {}

#endif

}  // namespace aerec
