// aerec train under mpirun: 2 processes train the model 1 process trains,
// a failing or killed rank ends the run, and a run stopped under one number
// of processes resumes under another.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "mpi/mpi_runs.h"

using namespace aerec::testing;

TEST_CASE("2 processes train the mini-batch presets and GLocal-K on ML-100K as one process does", "[mpi]") {
  const std::string ml100k = "--data " + movielens("ml-100k") + " --threads 1 ";
  struct run {
    std::string preset, args;
    float weights;  // the largest parameter difference allowed
  };
  // A few epochs each; GLocal-K's second epoch adds its global kernel.
  const run runs[] = {
      {"seed", "--epochs 1", 1e-4f},
      {"seed-fixed", "--epochs 2", 1e-4f},
      {"sparse", "--epochs 2", 1e-4f},
      {"denoising", "--epochs 2", 1e-4f},
      {"deeprec", "--epochs 2", 1e-4f},
      {"contractive", "--epochs 2", 1e-4f},
      {"mult-vae", "--epochs 2", 1e-4f},
      {"mult-dae", "--epochs 2", 1e-4f},
      {"autorec-i", "--epochs 2", 1e-4f},
      {"glocal-k", "--epochs 2 --pretrain-epochs 1 --layers 100,100", 1e-3f},
  };
  temp_dir out;
  for (const run& r : runs) {
    CAPTURE(r.preset);
    const std::string args = ml100k + "--preset " + r.preset + " " + r.args;
    const json one = train(1, args, out, r.preset + "-1");
    const json two = train(2, args, out, r.preset + "-2");
    check_figures(one, two, r.weights == 1e-4f ? 1e-4 : 1e-3, /*swaps=*/2);
    CHECK(largest_difference(weights(out.path() / (r.preset + "-1.aerec")),
                             weights(out.path() / (r.preset + "-2.aerec"))) < r.weights);
  }
}

TEST_CASE("2 processes train the image preset on Fashion-MNIST as one process does", "[mpi]") {
  temp_dir out;
  const std::string args = "--data fashion-mnist --preset conv-denoise --images 512 --epochs 1 --threads 1";
  const json one = train(1, args, out, "conv-1");
  const json two = train(2, args, out, "conv-2");
  check_figures(one, two, 1e-4);
  CHECK(largest_difference(weights(out.path() / "conv-1.aerec"), weights(out.path() / "conv-2.aerec")) <
        1e-4f);
}

TEST_CASE("a rank that fails ends every rank with its reason, and writes nothing", "[mpi]") {
  temp_dir bad;
  bad.write("u.data", "1\t1\t5\t881250949\n1\t2\tfive\t881250950\n");
  temp_dir out;
  const auto model = out.path() / "never.aerec";
  const std::string args = " --split random:0.1 --preset seed-fixed --epochs 50 --out " + model.string();
  // MPI's own way to give one rank other arguments: rank 1 alone reads the bad file.
  const result r = run_aerec("train --data " + movielens("ml-100k") + args + " : -np 1 " + AEREC_CLI_PATH +
                                 " train --data " + bad.path().string() + args,
                             mpirun(1));
  INFO(r.err);
  CHECK(r.code != 0);
  CHECK(r.code != 124);  // ended by itself, before the timeout
  CHECK_THAT(r.err,
             Catch::Contains("rank 1 of 2") && Catch::Contains("u.data:2: rating 'five' is not a number"));
  CHECK_FALSE(std::filesystem::exists(model));
}

TEST_CASE("a killed rank ends the run, with no process left waiting", "[mpi]") {
  temp_dir out;
  const auto checkpoint = out.path() / "killed.ckpt";
  // The rank processes are found by their checkpoint's path, once it shows training is under way.
  const std::string script =
      mpirun(2) + " " + AEREC_CLI_PATH + " train --data " + movielens("ml-1m") +
      " --split random:0.1 --preset seed-fixed --epochs 300 --threads 1 --checkpoint-every 1 --checkpoint " +
      checkpoint.string() + " >/dev/null 2>" + (out.path() / "err").string() + " & run=$!\n" +
      "while [ ! -s " + checkpoint.string() + " ]; do sleep 0.05; done\n" +
      "pkill -9 -n -f -- '--checkpoint " + checkpoint.string() + "'\nwait $run\n";
  const int code = run_script(out, script);
  INFO(read(out.path() / "err"));
  CHECK(code != 0);
  CHECK(code != 124);
  // [-]: the pattern does not match the shell that runs pgrep.
  CHECK(std::system(("pgrep -f -- '[-]-checkpoint " + checkpoint.string() + "' >/dev/null").c_str()) != 0);
}

TEST_CASE("a run stopped under 2 processes resumes under 1 and under 3", "[mpi]") {
  temp_dir out;
  // SGD: Adam's steps follow the sign of a gradient however small, so its
  // runs part after a few epochs on the last bits of the sums (see the README).
  const std::string args = "--data " + movielens("ml-1m") +
                           " --split random:0.1 --preset seed-fixed --optimizer sgd --lr 0.1 --momentum 0.9 "
                           "--epochs 30 --threads 1";
  const json straight = train(1, args, out, "straight");
  const auto checkpoint = out.path() / "stopped.ckpt";
  // Ctrl-C reaches mpirun (here through timeout, its parent), which passes
  // SIGTERM on to its processes: they agree on a batch to stop at.
  const std::string script = mpirun(2) + " " + AEREC_CLI_PATH + " train " + args +
                             " --checkpoint-every 1 --checkpoint " + checkpoint.string() + " >/dev/null 2>" +
                             (out.path() / "err").string() + " & run=$!\n" + "while [ ! -s " +
                             checkpoint.string() + " ]; do sleep 0.05; done\npkill -INT -P $run\nwait $run\n";
  run_script(out, script);
  const std::string said = read(out.path() / "err");
  INFO(said);
  REQUIRE_THAT(said, Catch::Contains("interrupted: checkpoint saved"));
  CHECK_THAT(said, !Catch::Contains("after 30 epochs"));  // stopped before the end
  for (const int processes : {1, 3}) {
    CAPTURE(processes);
    const auto copy = out.path() / ("resume-" + std::to_string(processes) + ".ckpt");
    std::filesystem::copy_file(checkpoint, copy);
    const json resumed =
        train(processes, "--resume " + copy.string(), out, "resumed-" + std::to_string(processes));
    check_figures(straight, resumed, 1e-6);
  }
}
