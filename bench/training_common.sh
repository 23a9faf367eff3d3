# Shared by the training benchmarks (train-seed.sh, train-deep.sh, train-conv.sh, train-seq.sh,
# train-parallel.sh, scale-model.sh, gpu-check.sh); sourced after they set root, aerec, default_aerec and die().

# Builds the default aerec binary when it is missing; dies when there is none.
ensure_aerec() {
  if [[ ! -x $aerec && $aerec == "$default_aerec" ]]; then
    (cd "$root" && cmake --preset native-release >/dev/null &&
      cmake --build --preset native-release --target aerec_cli)
  fi
  [[ -x $aerec ]] || die "no aerec binary at $aerec"
}

# Points data at its ml-1m folder (data itself, or data/ml-1m); dies when there is none.
find_ml1m() {
  if [[ -d $data/ml-1m ]]; then data=$data/ml-1m; fi
  [[ -f $data/ratings.dat || -f $data/ratings-notimestamp.dat ]] ||
    die "no ml-1m folder (ratings.dat or ratings-notimestamp.dat) in $data"
}

# Sets mpi to the launch of 2 processes, one core each (as root too); dies without mpirun.
set_mpirun() {
  command -v mpirun >/dev/null || die "no mpirun: apt-get install openmpi-bin"
  mpi=(mpirun --bind-to core -np 2)
  [[ $(id -u) != 0 ]] || mpi+=(--allow-run-as-root)
}

# Sets blas to the BLAS library PyTorch loads, warning when it is the slow reference one.
find_pytorch_blas() {
  blas=$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 || echo unknown)
  if [[ $blas == */blas/libblas.so.3 ]]; then
    echo "warning: PyTorch runs on the reference BLAS; apt-get install libopenblas0-pthread" >&2
  fi
}

# Sets deep_flags to aerec train's flags for the DeepRecommender-size recipe
# (items-512-512-1024-512-512-items, SELU, identity output, PyTorch's init,
# SGD with momentum, shuffled batches) with the caller's lr, momentum and batch.
set_deep_flags() {
  deep_flags=(--preset seed-fixed --layers 512 512 1024 512 512 --activation selu
    --output-activation identity --init pytorch --loss-normalization rated
    --optimizer sgd --lr "$lr" --momentum "$momentum" --weight-decay 0 --batch "$batch"
    --shuffle --no-accumulate-gradients)
}

# Passive OpenMP waiting: PyTorch's spinning OpenMP workers otherwise starve OpenBLAS's own
# threads (train-deep.sh, 2 threads: 7 s an epoch instead of 2.6 s); aerec runs as fast either way.
export OMP_WAIT_POLICY=PASSIVE
# run_pinned LOG THREADS COMMAND...: every thread pool pinned, stderr in $tmp/LOG.log, quiet
# unless it fails (the caller sets tmp).
run_pinned() {
  OMP_NUM_THREADS=$2 OPENBLAS_NUM_THREADS=$2 MKL_NUM_THREADS=$2 "${@:3}" 2>"$tmp/$1.log" ||
    { cat "$tmp/$1.log" >&2; die "$3 failed"; }
}
