// aerec train --device cuda under mpirun: each process on its own GPU, the
// gradients summed GPU to GPU by NCCL, trains the model one GPU trains.
#include <catch2/catch.hpp>
#include <string>

#include "mpi/mpi_runs.h"

using namespace aerec::testing;

TEST_CASE("2 processes on 2 GPUs train the model one GPU trains", "[nccl]") {
  temp_dir out;
  for (const std::string preset : {"seed-fixed", "deeprec", "mult-vae"}) {
    CAPTURE(preset);
    const std::string args =
        "--data " + movielens("ml-100k") + " --device cuda --epochs 2 --preset " + preset;
    const json one = train(1, args, out, preset + "-1");
    const json two = train(2, args, out, preset + "-2");
    CHECK_THAT(two.at("device").get<std::string>(), Catch::Contains("cuda"));
    check_figures(one, two, 1e-4, /*swaps=*/2);
    CHECK(largest_difference(weights(out.path() / (preset + "-1.aerec")),
                             weights(out.path() / (preset + "-2.aerec"))) < 1e-4f);
  }
}
