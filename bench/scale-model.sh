#!/usr/bin/env bash
# The scale model of data-parallel training (bench/scale_model.py) from runs on this machine:
# every rating preset for 2 epochs on ML-1M random:0.1 (GLocal-K: ML-100K u1) in one process
# and in two (mpirun -np 2), one thread each, and the exchange times of bench/exchange.cpp.
# usage: bench/scale-model.sh [--data DIR] [--aerec PATH] [--keep DIR (the runs' metrics)]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
data=${MOVIELENS_DIR:-$root/../shared/data}
default_aerec=$root/build/native-release/native/aerec
aerec=$default_aerec
keep=
die() { echo "scale-model.sh: $*" >&2; exit 2; }
# shellcheck source=training_common.sh
source "$root/bench/training_common.sh"
while (($#)); do
  case $1 in
    --data) data=${2:?--data needs a value} ;;
    --aerec) aerec=${2:?--aerec needs a value} ;;
    --keep) keep=${2:?--keep needs a value} ;;
    -h | --help) sed -n '2,5p' "$0" | cut -c3-; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
  shift 2
done
set_mpirun
ensure_aerec
exchange=$(dirname "$aerec")/../bench/aerec_bench_exchange
[[ -x $exchange ]] || (cd "$root" && cmake --build --preset native-release --target aerec_bench_exchange)

if [[ -n $keep ]]; then
  tmp=$keep && mkdir -p "$tmp"
else
  tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT
fi
for preset in seed seed-fixed sparse denoising deeprec contractive mult-vae mult-dae autorec-i glocal-k; do
  where=(--data "$data/ml-1m" --split random:0.1)
  [[ $preset != glocal-k ]] || where=(--data "$data/ml-100k")
  echo "$preset ..." >&2
  for launch in one two; do
    run=() out=$tmp/$preset.json
    [[ $launch == one ]] || { run=("${mpi[@]}"); out=$tmp/$preset-2.json; }
    "${run[@]}" "$aerec" train "${where[@]}" --preset "$preset" --epochs 2 --threads 1 --metrics-out "$out" \
      >/dev/null 2>"$tmp/log" || { cat "$tmp/log" >&2; die "$preset failed"; }
  done
done
"${mpi[@]}" "$exchange" | tee "$tmp/exchange.txt" >&2
python3 "$root/bench/scale_model.py" --runs "$tmp" --exchange "$tmp/exchange.txt"
