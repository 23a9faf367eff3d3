#!/usr/bin/env bash
# Training speed of a DeepRecommender-size autoencoder (items-512-512-1024-512-512-items, SELU,
# dropout on the 1024-wide code, SGD momentum 0.9 lr 0.005, batch 128) on MovieLens-1M
# random:0.1: aerec vs the same recipe in PyTorch (bench/deep_pytorch.py), run interleaved
# (aerec 1 thread, torch 1, aerec 2, torch 2, per repeat) so the shared machine's noise hits
# both alike; seconds per epoch, thread scaling, test RMSE and aerec's GFLOP/s against the peak.
# Repeat R uses seed R on both sides; their splits and initial weights still differ.
# usage: bench/train-deep.sh [--data DIR] [--epochs E] [--repeats N] [--dropout P]
#                            [--aerec PATH] [--json FILE]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
data=${MOVIELENS_DIR:-$root/../shared/data}
epochs=5 repeats=3 dropout=0.8 json=
default_aerec=$root/build/native-release/native/aerec
aerec=$default_aerec
python=/usr/bin/python3 # the python3 first on PATH may lack torch
# One recipe for both sides (DeepRecommender's: SGD with momentum 0.9, lr 0.005).
lr=0.005 momentum=0.9 batch=128

die() { echo "train-deep.sh: $*" >&2; exit 2; }
# shellcheck source=training_common.sh
source "$root/bench/training_common.sh"
while (($#)); do
  case $1 in
    --data) data=${2:?--data needs a value} ;;
    --epochs) epochs=${2:?--epochs needs a value} ;;
    --repeats) repeats=${2:?--repeats needs a value} ;;
    --dropout) dropout=${2:?--dropout needs a value} ;;
    --aerec) aerec=${2:?--aerec needs a value} ;;
    --json) json=${2:?--json needs a value} ;;
    -h | --help) sed -n '2,9p' "$0" | cut -c3-; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
  shift 2
done

find_ml1m
ensure_aerec
dropout_flags=()
if [[ $dropout != 0 ]]; then
  # Not `aerec ... | grep -q`: grep's early exit would fail the pipe (pipefail).
  [[ $("$aerec" train --help) == *--dropout* ]] ||
    die "this aerec has no --dropout; run with --dropout 0 (and say the result is without dropout)"
  dropout_flags=(--dropout "$dropout")
fi

find_pytorch_blas
set_deep_flags

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for ((r = 1; r <= repeats; r++)); do
  for t in 1 2; do
    echo "repeat $r/$repeats, $t thread(s): aerec ..." >&2
    # seed-fixed zeroes gradients every step; every other setting is given here.
    run_pinned "aerec-$r-$t" "$t" "$aerec" train --data "$data" --split random:0.1 --seed "$r" \
      "${deep_flags[@]}" "${dropout_flags[@]}" --epochs "$epochs" --threads "$t" \
      --metrics-out "$tmp/aerec-$r-$t.json" >/dev/null
    echo "repeat $r/$repeats, $t thread(s): pytorch ..." >&2
    run_pinned "torch-$r-$t" "$t" "$python" "$root/bench/deep_pytorch.py" --data "$data" \
      --test-fraction 0.1 --seed "$r" --dropout "$dropout" --lr "$lr" --momentum "$momentum" \
      --batch "$batch" --epochs "$epochs" --threads "$t" >"$tmp/torch-$r-$t.json"
  done
done
"$aerec" data info "$data" --json >"$tmp/data.json"

cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -1)
cores=$(lscpu | sed -n 's/^CPU(s): *//p') # not nproc: it obeys OMP_NUM_THREADS
mhz=$(sed -n 's/^cpu MHz[[:space:]]*: *//p' /proc/cpuinfo | head -1)
gxx=$(g++ --version | head -1)
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
"$python" - "$tmp" "$repeats" "$epochs" "$dropout" "$json" "$cpu" "$cores" "$mhz" "$gxx" "$blas" \
  "$commit" <<'EOF'
import json, statistics, sys
import torch

tmp, repeats, epochs, dropout, out, cpu, cores, mhz, gxx, blas, commit = sys.argv[1:]
repeats, epochs, dropout = int(repeats), int(epochs), float(dropout)
median = statistics.median
data = json.load(open(f"{tmp}/data.json"))
widths = [data["items"], 512, 512, 1024, 512, 512, data["items"]]


def epoch_seconds(history):
    """Median seconds per epoch, skipping the first (warm-up) when there are more."""
    return median(history[1:] if len(history) > 1 else history)


def flops_per_epoch(users, ratings):
    """Floating-point work in one epoch (multiply-add = 2 FLOPs), as (aerec's, a dense
    framework's). A dense layer in -> out over `users` rows costs 2*users*in*out forward and
    4*users*in*out backward (input and weight gradients). aerec skips what the recipe makes zero:
    the first layer multiplies only the ratings (2*ratings*out forward, the same for its weight
    gradient, no input gradient); the layer after the code only the units dropout keeps (a
    1 - dropout share of its inputs, for all three products); and the output layer computes only
    the rated outputs (3 products of 2*ratings*in). The dense framework computes everything but
    the first layer's input gradient. Biases, activations, loss and optimizer are left out."""
    layers = list(zip(widths[:-1], widths[1:]))
    dense = 4 * users * layers[0][0] * layers[0][1] + sum(6 * users * i * o for i, o in layers[1:])
    code = widths.index(max(widths[1:-1]))  # the 1024-wide layer's output is the code
    done = 4 * ratings * layers[0][1] + 6 * ratings * layers[-1][0]
    for k, (i, o) in enumerate(layers[1:-1], start=1):
        done += 6 * users * i * o * ((1 - dropout) if k == code else 1)
    return done, dense


# Zen 3 (no AVX-512): 2 FMA pipes x 8 fp32 lanes x 2 FLOPs = 32 FLOPs a cycle a core, at the
# clock /proc/cpuinfo reports (the VM's nominal clock; boost, if any, is not visible here).
peak_per_core = 32 * float(mhz) / 1000
runs = {}
for r in range(1, repeats + 1):
    for t in (1, 2):
        a = json.load(open(f"{tmp}/aerec-{r}-{t}.json"))
        p = json.load(open(f"{tmp}/torch-{r}-{t}.json"))
        held_out = a["test_ratings"] + a["test_left_out_unknown_user"] + a["test_left_out_unknown_item"]
        # The same split size for every seed.
        flops, dense_flops = flops_per_epoch(data["users"], data["ratings"] - held_out)
        aerec_s = epoch_seconds([e["seconds"] for e in a["history"]])
        torch_s = epoch_seconds(p["epoch_seconds"])
        runs[r, t] = {"aerec": {"epoch_seconds": aerec_s, "test_rmse": a["test_rmse"],
                                "gflop_per_epoch": flops / 1e9, "gflops": flops / aerec_s / 1e9},
                      "pytorch": {"epoch_seconds": torch_s, "test_rmse": p["test_rmse"],
                                  "gflop_per_epoch": dense_flops / 1e9,
                                  "gflops": dense_flops / torch_s / 1e9},
                      "ratio": torch_s / aerec_s}
    for side in ("aerec", "pytorch"):
        runs[r, 2][side]["scaling"] = runs[r, 1][side]["epoch_seconds"] / runs[r, 2][side]["epoch_seconds"]

# Medians over repeats of each figure, ratios included: each pair ran back to back.
medians = {}
for t in (1, 2):
    rows = [runs[r, t] for r in range(1, repeats + 1)]
    medians[t] = {side: {k: median(row[side][k] for row in rows) for k in rows[0][side]}
                  for side in ("aerec", "pytorch")}
    medians[t]["ratio"] = median(row["ratio"] for row in rows)

label = f"dropout {dropout} on the code" if dropout > 0 else "WITHOUT dropout"
result = {"benchmark": "train-deep", "data": "ml-1m random:0.1", "epochs": epochs, "dropout": dropout,
          "recipe": "items-512-512-1024-512-512-items selu/identity, sgd lr 0.005 momentum 0.9, batch 128",
          "peak_gflops_per_core": peak_per_core,
          "repeats": [{"seed": r, "threads": t, **runs[r, t]} for (r, t) in runs],
          "median": {f"{t}_threads": medians[t] for t in (1, 2)},
          "machine": {"cpu": cpu, "cores": int(cores), "mhz": float(mhz), "gxx": gxx,
                      "pytorch": torch.__version__, "pytorch_blas": blas, "aerec_commit": commit}}

m = result["machine"]
print(f"DeepRecommender-size model, ML-1M random:0.1, {label}, {epochs} epochs, {repeats} repeat(s); "
      f"{m['cpu']}, {m['cores']} cores at {m['mhz']:.0f} MHz; {m['gxx']}; PyTorch {m['pytorch']} "
      f"({m['pytorch_blas']}); aerec {m['aerec_commit']}")
print(f"{'':>17} {'aerec s/epoch':>13} {'torch s/epoch':>13} {'torch/aerec':>11} {'rmse aerec':>10} "
      f"{'torch':>7} {'aerec GFLOP/s':>13} {'% of peak':>9} {'torch GFLOP/s':>13}")


def line(name, row, threads):
    a, p = row["aerec"], row["pytorch"]
    print(f"{name:>17} {a['epoch_seconds']:13.2f} {p['epoch_seconds']:13.2f} {row['ratio']:10.2f}x "
          f"{a['test_rmse']:10.4f} {p['test_rmse']:7.4f} {a['gflops']:13.1f} "
          f"{100 * a['gflops'] / (threads * peak_per_core):8.1f}% {p['gflops']:13.1f}")


for (r, t), row in runs.items():
    line(f"seed {r}, {t} thread(s)", row, t)
for t in (1, 2):
    line(f"median, {t} thread(s)", medians[t], t)
print(f"1 -> 2 threads (median of per-repeat speed-ups): aerec {medians[2]['aerec']['scaling']:.2f}x, "
      f"PyTorch {medians[2]['pytorch']['scaling']:.2f}x")
print(f"test_rmse difference (aerec - torch), 1 thread: "
      f"{medians[1]['aerec']['test_rmse'] - medians[1]['pytorch']['test_rmse']:+.4f}; "
      "the splits and initial weights differ between the sides")
print(f"work an epoch: aerec {medians[1]['aerec']['gflop_per_epoch']:.1f} GFLOP (sparse input, dropped "
      f"units and unrated outputs skipped), PyTorch {medians[1]['pytorch']['gflop_per_epoch']:.1f} GFLOP "
      f"(dense); peak {peak_per_core:.1f} GFLOP/s a core (Zen 3: 32 FLOPs/cycle at the reported clock)")
if out:
    with open(out, "w") as f:
        json.dump(result, f, indent=2)
EOF
