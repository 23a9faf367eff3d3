#!/usr/bin/env bash
# Training time of the seed preset on MovieLens-100K u1: aerec vs the same recipe in
# PyTorch (bench/seed_pytorch.py), run interleaved (aerec, torch, aerec, torch ...) so the
# shared machine's noise hits both alike. Both time the training loop alone and report
# their test figures, so a speed-up that changes the result shows. Repeat R uses seed R
# on both sides, but they still draw different initial weights (different generators).
# usage: bench/train-seed.sh [--data DIR] [--repeats N] [--epochs E] [--threads T]
#                            [--aerec PATH] [--json FILE]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
data=${MOVIELENS_DIR:-$root/../shared/data}
repeats=3 epochs=200 threads=1 json=
default_aerec=$root/build/native-release/native/aerec
aerec=$default_aerec
python=/usr/bin/python3 # the python3 first on PATH may lack torch

die() { echo "train-seed.sh: $*" >&2; exit 2; }
# shellcheck source=training_common.sh
source "$root/bench/training_common.sh"
while (($#)); do
  case $1 in
    --data) data=${2:?--data needs a value} ;;
    --repeats) repeats=${2:?--repeats needs a value} ;;
    --epochs) epochs=${2:?--epochs needs a value} ;;
    --threads) threads=${2:?--threads needs a value} ;;
    --aerec) aerec=${2:?--aerec needs a value} ;;
    --json) json=${2:?--json needs a value} ;;
    -h | --help) sed -n '2,8p' "$0" | cut -c3-; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
  shift 2
done

# seed_pytorch.py reads u1.base/u1.test from the ml-100k folder itself.
if [[ -f $data/ml-100k/u1.base ]]; then data=$data/ml-100k; fi
[[ -f $data/u1.base && -f $data/u1.test ]] || die "no ml-100k folder (u1.base, u1.test) in $data"
ensure_aerec

# Pin every thread pool on both sides, not only the ones each program sets itself.
export OMP_NUM_THREADS=$threads OPENBLAS_NUM_THREADS=$threads MKL_NUM_THREADS=$threads
find_pytorch_blas

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
run() { # run LOG COMMAND...: quiet unless it fails
  "${@:2}" 2>"$tmp/$1.log" || { cat "$tmp/$1.log" >&2; die "$2 failed"; }
}
for ((r = 1; r <= repeats; r++)); do
  echo "repeat $r/$repeats: aerec ..." >&2
  run "aerec-$r" "$aerec" train --data "$data" --split u1 --preset seed --epochs "$epochs" \
    --threads "$threads" --seed "$r" --metrics-out "$tmp/aerec-$r.json" >/dev/null
  echo "repeat $r/$repeats: pytorch ..." >&2
  run "torch-$r" "$python" "$root/bench/seed_pytorch.py" --data "$data" --epochs "$epochs" \
    --threads "$threads" --seed "$r" >"$tmp/torch-$r.json"
done

cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -1)
cores=$(lscpu | sed -n 's/^CPU(s): *//p') # not nproc: it obeys OMP_NUM_THREADS
gxx=$(g++ --version | head -1)
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
"$python" - "$tmp" "$repeats" "$epochs" "$threads" "$json" "$cpu" "$cores" "$gxx" "$blas" "$commit" <<'EOF'
import json, statistics, sys
import torch

tmp, repeats, epochs, threads, out, cpu, cores, gxx, blas, commit = sys.argv[1:]
repeats, epochs, threads = int(repeats), int(epochs), int(threads)
rows = []
for r in range(1, repeats + 1):
    a = json.load(open(f"{tmp}/aerec-{r}.json"))
    t = json.load(open(f"{tmp}/torch-{r}.json"))
    # Clipped figures on both sides (aerec's test_* are clipped to 1..5).
    rows.append({"seed": r,
                 "aerec": {k: a[k] for k in ("train_seconds", "test_seed_loss", "test_rmse")},
                 "pytorch": {"train_seconds": t["train_seconds"], "test_seed_loss": t["seed_loss_clipped"],
                             "test_rmse": t["rmse_clipped"]},
                 "ratio": t["train_seconds"] / a["train_seconds"]})
median = {side: {k: statistics.median(row[side][k] for row in rows) for k in rows[0][side]}
          for side in ("aerec", "pytorch")}
# Median of the per-repeat ratios: each pair ran back to back, under the same load.
median["ratio"] = statistics.median(row["ratio"] for row in rows)
result = {"benchmark": "train-seed", "data": "ml-100k u1", "preset": "seed", "epochs": epochs,
          "threads": threads, "repeats": rows, "median": median,
          "machine": {"cpu": cpu, "cores": int(cores), "gxx": gxx, "pytorch": torch.__version__,
                      "pytorch_blas": blas, "aerec_commit": commit}}

m = result["machine"]
print(f"seed preset, ML-100K u1, {epochs} epochs, {threads} thread(s); {m['cpu']}, {m['cores']} cores; "
      f"{m['gxx']}; PyTorch {m['pytorch']} ({m['pytorch_blas']}); aerec {m['aerec_commit']}")
print(f"{'':>8} {'aerec s':>9} {'torch s':>9} {'torch/aerec':>11}   {'seed_loss aerec':>15} {'torch':>7}"
      f"   {'rmse aerec':>10} {'torch':>7}")


def line(name, row):
    print(f"{name:>8} {row['aerec']['train_seconds']:9.2f} {row['pytorch']['train_seconds']:9.2f} {row['ratio']:10.2f}x"
          f"   {row['aerec']['test_seed_loss']:15.4f} {row['pytorch']['test_seed_loss']:7.4f}"
          f"   {row['aerec']['test_rmse']:10.4f} {row['pytorch']['test_rmse']:7.4f}")


for row in rows:
    line(f"seed {row['seed']}", row)
line("median", median)
print("seed_loss median difference (aerec - torch): "
      f"{median['aerec']['test_seed_loss'] - median['pytorch']['test_seed_loss']:+.4f}; aerec leaves out the "
      "test ratings of movies u1.base never rates (32 of 20,000), PyTorch scores all")
if out:
    with open(out, "w") as f:
        json.dump(result, f, indent=2)
EOF
