#!/usr/bin/env bash
# Data-parallel training on this machine: the DeepRecommender-size recipe of train-deep.sh
# (ML-1M random:0.1, items-512-512-1024-512-512-items, SELU, dropout on the code, SGD momentum
# 0.9 lr 0.005, batch 128) as 1 process x 1 thread, 1 process x 2 threads and 2 MPI processes
# x 1 thread (mpirun -np 2, one core each), interleaved per repeat; medians over repeats of the
# seconds per epoch after the first, the speed-ups over 1 process x 1 thread, and the test RMSE.
# usage: bench/train-parallel.sh [--data DIR] [--epochs E] [--repeats N] [--batch B]
#                                [--aerec PATH] [--json FILE]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
data=${MOVIELENS_DIR:-$root/../shared/data}
epochs=5 repeats=3 dropout=0.8 json=
default_aerec=$root/build/native-release/native/aerec
aerec=$default_aerec
lr=0.005 momentum=0.9 batch=128

die() { echo "train-parallel.sh: $*" >&2; exit 2; }
# shellcheck source=training_common.sh
source "$root/bench/training_common.sh"
while (($#)); do
  case $1 in
    --data) data=${2:?--data needs a value} ;;
    --epochs) epochs=${2:?--epochs needs a value} ;;
    --repeats) repeats=${2:?--repeats needs a value} ;;
    --batch) batch=${2:?--batch needs a value} ;;
    --aerec) aerec=${2:?--aerec needs a value} ;;
    --json) json=${2:?--json needs a value} ;;
    -h | --help) sed -n '2,8p' "$0" | cut -c3-; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
  shift 2
done

find_ml1m
set_mpirun
ensure_aerec
set_deep_flags

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for ((r = 1; r <= repeats; r++)); do
  for setup in 1x1 1x2 2x1; do
    echo "repeat $r/$repeats, $setup (processes x threads) ..." >&2
    launch=() threads=${setup#*x}
    [[ $setup != 2x1 ]] || launch=("${mpi[@]}")
    run_pinned "$setup-$r" "$threads" "${launch[@]}" "$aerec" train --data "$data" --split random:0.1 \
      --seed "$r" "${deep_flags[@]}" --dropout "$dropout" --epochs "$epochs" --threads "$threads" \
      --metrics-out "$tmp/$setup-$r.json" >/dev/null
  done
done

commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
python3 - "$tmp" "$repeats" "$batch" "$json" "$commit" <<'PY'
import json, statistics, sys

tmp, repeats, batch, out, commit = sys.argv[1:]
repeats, median = int(repeats), statistics.median
setups = {"1x1": "1 process x 1 thread", "1x2": "1 process x 2 threads", "2x1": "2 processes x 1 thread"}
runs = {}
for r in range(1, repeats + 1):
    for s in setups:
        m = json.load(open(f"{tmp}/{s}-{r}.json"))
        history = [e["seconds"] for e in m["history"]]
        runs[s, r] = {"epoch_seconds": median(history[1:] if len(history) > 1 else history),
                      "test_rmse": m["test_rmse"], "parameters": m["parameters"]}
    for s in setups:  # speed-ups within a repeat: its three runs ran back to back
        runs[s, r]["speedup"] = runs["1x1", r]["epoch_seconds"] / runs[s, r]["epoch_seconds"]
rows = {s: {k: median(runs[s, r][k] for r in range(1, repeats + 1)) for k in runs[s, 1]} for s in setups}
print(f"ML-1M random:0.1, DeepRecommender size, batch {batch}, medians of {repeats} repeats (aerec {commit})")
print(f"{'setup':<26}{'s/epoch':>9}{'speed-up':>10}{'test_rmse':>11}")
for s, name in setups.items():
    row = rows[s]
    print(f"{name:<26}{row['epoch_seconds']:>9.3f}{row['speedup']:>9.2f}x{row['test_rmse']:>11.4f}")
params = rows["1x1"]["parameters"]
print(f"all-reduced per step: {4 * params / 1e6:.1f} MB ({params:,.0f} float gradients)")
if out:
    json.dump({"benchmark": "train-parallel", "batch": int(batch), "commit": commit, "medians": rows,
               "runs": {f"{s}-{r}": v for (s, r), v in runs.items()}}, open(out, "w"), indent=1)
PY
