#!/usr/bin/env bash
# The CUDA backend's check on a GPU machine, in one run:
#  1. builds the CUDA configuration (preset native-cuda), unless --prebuilt names such a build;
#  2. runs its CUDA tests (every backend operation against the reference backend, and CPU-vs-CUDA
#     parity of each preset's first epochs);
#  3. trains the DeepRecommender-size model (bench/train-deep.sh's recipe: items-512-512-1024-
#     512-512-items, SELU, dropout 0.8 on the code, SGD momentum 0.9, batch 128) on ML-1M
#     random:0.1 for E epochs on the CPU (--cpu-threads threads, pinned to as many cores) and on
#     the GPU, with the same seed, and PyTorch the same recipe on the GPU when its torch has CUDA,
#     R times, interleaved;
#  4. prints seconds per epoch (the median over repeats of each run's median, first epochs left
#     out), the GPU's speed-up and each run's test RMSE after the same epochs; --json FILE
#     writes them too.
# Exits non-zero when a test fails or the GPU's RMSE differs from the CPU's by more than 0.01.
# usage: bench/gpu-check.sh [--data DIR] [--epochs E] [--repeats R] [--cpu-threads N]
#                           [--prebuilt BUILD_DIR] [--json FILE] [--no-torch]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
data=${MOVIELENS_DIR:-$root/../shared/data}
epochs=5 repeats=1 cpu_threads=2 prebuilt= json= torch=1
python=${PYTHON:-python3}
lr=0.005 momentum=0.9 batch=128 dropout=0.8 seed=1

die() { echo "gpu-check.sh: $*" >&2; exit 2; }
# shellcheck source=training_common.sh
source "$root/bench/training_common.sh"
while (($#)); do
  case $1 in
    --data) data=${2:?--data needs a value} ;;
    --epochs) epochs=${2:?--epochs needs a value} ;;
    --repeats) repeats=${2:?--repeats needs a value} ;;
    --cpu-threads) cpu_threads=${2:?--cpu-threads needs a value} ;;
    --prebuilt) prebuilt=${2:?--prebuilt needs a value} ;;
    --json) json=${2:?--json needs a value} ;;
    --no-torch) torch=0; shift; continue ;;
    -h | --help) sed -n '2,18p' "$0" | cut -c3-; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
  shift 2
done
((epochs >= 2)) || die "--epochs must be 2 or more (the first epoch is left out of the timing)"
find_ml1m
command -v nvidia-smi >/dev/null && nvidia-smi -L | grep -q GPU || die "no GPU here (nvidia-smi lists none)"

build=${prebuilt:-$root/build/native-cuda}
if [[ -z $prebuilt ]]; then
  (cd "$root" && cmake --preset native-cuda >/dev/null &&
    cmake --build --preset native-cuda --target aerec_cli aerec_cuda_tests)
fi
aerec=$build/native/aerec
[[ -x $aerec && -x $build/tests/aerec_cuda_tests ]] || die "no CUDA build at $build"

echo "== GPU: $(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader)"
echo "== [cuda] tests"
tests_ok=1
"$build/tests/aerec_cuda_tests" || tests_ok=0

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
set_deep_flags
train() { # train DEVICE REPEAT [COMMAND PREFIX...]: E epochs of the recipe, figures in $tmp/DEVICE-REPEAT.json
  local device=$1 repeat=$2
  shift 2
  echo "== aerec, $device: $epochs epochs (repeat $repeat/$repeats)" >&2
  "$@" "$aerec" train --data "$data" --split random:0.1 --seed "$seed" "${deep_flags[@]}" --dropout "$dropout" \
    --epochs "$epochs" --threads "$cpu_threads" --device "$device" --metrics-out "$tmp/$device-$repeat.json" >/dev/null
}
torch_cuda=0
if ((torch)) && "$python" -c 'import torch, sys; sys.exit(not torch.cuda.is_available())' 2>/dev/null; then
  torch_cuda=1
fi
for ((r = 1; r <= repeats; r++)); do
  train cpu "$r" env OMP_NUM_THREADS="$cpu_threads" taskset -c "0-$((cpu_threads - 1))"
  train cuda "$r"
  if ((torch_cuda)); then
    echo "== pytorch, cuda: $epochs epochs (repeat $r/$repeats)" >&2
    "$python" "$root/bench/deep_pytorch.py" --data "$data" --device cuda --test-fraction 0.1 --seed "$seed" \
      --dropout "$dropout" --lr "$lr" --momentum "$momentum" --batch "$batch" --epochs "$epochs" >"$tmp/torch-$r.json"
  fi
done

"$python" - "$tmp" "$cpu_threads" "$tests_ok" "$repeats" "$json" <<'EOF'
import json, os, statistics, sys

tmp, cpu_threads, tests_ok, repeats, out = sys.argv[1:]
repeats = range(1, int(repeats) + 1)
median = statistics.median
def epoch_seconds(seconds):
    return median(seconds[1:])  # the first epoch warms up (allocations, CUDA's start)

def runs(name):
    return [json.load(open(f"{tmp}/{name}-{r}.json")) for r in repeats]

result = {"tests_passed": tests_ok == "1", "repeats": len(repeats)}
for name in ("cpu", "cuda"):
    ms = runs(name)
    result[name] = {"epoch_seconds": median(epoch_seconds([e["seconds"] for e in m["history"]]) for m in ms),
                    "test_rmse": ms[0]["test_rmse"], "device": ms[0]["device"], "epochs": ms[0]["epochs"]}
result["cpu"]["threads"] = int(cpu_threads)
result["speedup"] = result["cpu"]["epoch_seconds"] / result["cuda"]["epoch_seconds"]
result["rmse_difference"] = abs(result["cpu"]["test_rmse"] - result["cuda"]["test_rmse"])
if os.path.exists(f"{tmp}/torch-1.json"):
    ts = runs("torch")
    result["pytorch_cuda"] = {"epoch_seconds": median(epoch_seconds(t["epoch_seconds"]) for t in ts),
                              "test_rmse": ts[0]["test_rmse"], "version": ts[0]["peer"]}
    result["speedup_over_pytorch_cuda"] = result["pytorch_cuda"]["epoch_seconds"] / result["cuda"]["epoch_seconds"]
print(json.dumps(result, indent=2))
if out:
    json.dump(result, open(out, "w"), indent=2)
ok = result["tests_passed"] and result["rmse_difference"] <= 0.01
print("gpu-check:", "PASSED" if ok else "FAILED")
sys.exit(0 if ok else 1)
EOF
