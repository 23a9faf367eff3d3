#pragma once
// The processes of one aerec train: this one alone, or every process mpirun
// started (data-parallel training, aerec/train/mpi_collective.h). Rank 0
// speaks for the run: the others print nothing but their own failure.
#include <string>

#include "aerec/train/collective.h"

namespace aerec::cli {

// First thing in main: a process other than rank 0 of several that an MPI
// launcher started prints nothing from here on (but its failure, fail()).
void start_processes();
// The run's processes: MPI's when an MPI launcher started more than one
// (MPI starts on the first call), else one. Throws error_code::invalid_argument
// when several were launched and this aerec has no MPI.
collective& run_processes();
// This process's number among those on its machine (its GPU, one per process).
int local_process();

// Ends the processes: MPI's finish, when it started.
void end_processes();
// Reports a failure, naming the rank of a data-parallel run, and ends every
// process of it with `code`; returns `code` for a run of one process.
int fail(const std::string& message, int code);

// Refuses a command other than train under an MPI launcher with several processes.
void refuse_processes(const std::string& command);

}  // namespace aerec::cli
