#!/usr/bin/env bash
# Training speed of the image presets (conv, conv-denoise, dense-image) on Fashion-MNIST: aerec
# vs the same networks, initialisation (Glorot uniform), optimizer (Adam lr 1e-3), loss (BCE),
# batch (128) and noise in PyTorch (bench/conv_pytorch.py), run interleaved (aerec 1 thread,
# torch 1, aerec 2, torch 2, per repeat) so the shared machine's noise hits both alike. Reports
# median seconds per epoch (the first, warm-up epoch left out), the ratio, and both sides' test
# BCE and PSNR after the same epochs.
# usage: bench/train-conv.sh [--presets "conv dense-image"] [--epochs E] [--repeats N]
#                            [--images N] [--aerec PATH] [--json FILE] [--device cpu|cuda]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
epochs=3 repeats=3 images=0 json= presets="conv conv-denoise dense-image" device=cpu threads="1 2"
default_aerec=$root/build/native-release/native/aerec
aerec=$default_aerec
python=/usr/bin/python3 # the python3 first on PATH may lack torch
data=${AEREC_FASHION_MNIST_DIR:-/usr/share/datasets/fashion-mnist}

die() { echo "train-conv.sh: $*" >&2; exit 2; }
# shellcheck source=training_common.sh
source "$root/bench/training_common.sh"
while (($#)); do
  case $1 in
    --presets) presets=${2:?--presets needs a value} ;;
    --epochs) epochs=${2:?--epochs needs a value} ;;
    --repeats) repeats=${2:?--repeats needs a value} ;;
    --images) images=${2:?--images needs a value} ;;
    --aerec) aerec=${2:?--aerec needs a value} ;;
    --json) json=${2:?--json needs a value} ;;
    --device) device=${2:?--device needs a value} ;;
    -h | --help) sed -n '2,9p' "$0" | cut -c3-; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
  shift 2
done
[[ -d $data ]] || die "no Fashion-MNIST in $data (apt-get install dataset-fashion-mnist)"
[[ $device == cuda ]] && threads=1
ensure_aerec
find_pytorch_blas

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The preset's network and noise as the peer takes them, from aerec's own description of it.
peer_flags() {
  case $1 in
    conv) echo "--conv c16,p2,c8,p2,c8,p2,c8,u2,c8,u2,c16v,u2" ;;
    conv-denoise) echo "--conv c32,p2,c32,p2,c32,u2,c32,u2 --noise 0.5" ;;
    dense-image) echo "--hidden 32" ;;
    *) die "no PyTorch twin for preset $1" ;;
  esac
}
for ((r = 1; r <= repeats; r++)); do
  for p in $presets; do
    for t in $threads; do
      echo "repeat $r/$repeats, $p, $t thread(s): aerec ..." >&2
      run_pinned "aerec-$p-$r-$t" "$t" "$aerec" train --preset "$p" --data "$data" --images "$images" --seed "$r" \
        --epochs "$epochs" --threads "$t" --device "$device" --metrics-out "$tmp/aerec-$p-$r-$t.json" >/dev/null
      echo "repeat $r/$repeats, $p, $t thread(s): pytorch ..." >&2
      # shellcheck disable=SC2046 # the flags split into words on purpose
      run_pinned "torch-$p-$r-$t" "$t" "$python" "$root/bench/conv_pytorch.py" $(peer_flags "$p") --data "$data" \
        --images "$images" --seed "$r" --epochs "$epochs" --threads "$t" --device "$device" \
        >"$tmp/torch-$p-$r-$t.json"
    done
  done
done

cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -1)
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
"$python" - "$tmp" "$repeats" "$epochs" "$presets" "$threads" "$json" "$cpu" "$blas" "$commit" "$device" <<'PY'
import json, statistics, sys
import torch

tmp, repeats, epochs, presets, threads, out, cpu, blas, commit, device = sys.argv[1:]
repeats, presets, threads = int(repeats), presets.split(), [int(t) for t in threads.split()]
median = statistics.median


def epoch_seconds(history):
    """Median seconds per epoch, the first (warm-up) left out when there are more."""
    return median(history[1:] if len(history) > 1 else history)


rows = {}
for p in presets:
    for t in threads:
        pairs = []
        for r in range(1, repeats + 1):
            a = json.load(open(f"{tmp}/aerec-{p}-{r}-{t}.json"))
            q = json.load(open(f"{tmp}/torch-{p}-{r}-{t}.json"))
            pairs.append({"aerec_s": epoch_seconds([e["seconds"] for e in a["history"]]),
                          "torch_s": epoch_seconds(q["epoch_seconds"]),
                          "aerec_bce": a["test_bce"], "torch_bce": q["test_bce"],
                          "aerec_psnr": a["test_psnr"], "torch_psnr": q["test_psnr"],
                          "aerec_psnr_noisy": a.get("test_psnr_noisy")})
        row = {k: median(x[k] for x in pairs) for k in pairs[0] if pairs[0][k] is not None}
        row["ratio"] = median(x["torch_s"] / x["aerec_s"] for x in pairs)
        row["bce_gap_percent"] = median(100 * (x["aerec_bce"] / x["torch_bce"] - 1) for x in pairs)
        rows[f"{p}/{t}"] = row

print(f"{cpu}; torch {torch.__version__} (oneDNN {torch.backends.mkldnn.is_available()}), BLAS {blas}; "
      f"aerec {commit}; {device}; {epochs} epochs, medians of {repeats} interleaved repeats")
print(f"{'preset/threads':<20}{'aerec s/epoch':>14}{'torch s/epoch':>14}{'speed-up':>10}"
      f"{'aerec BCE':>11}{'torch BCE':>11}{'gap %':>8}{'aerec PSNR':>12}{'torch PSNR':>12}")
for k, r in rows.items():
    print(f"{k:<20}{r['aerec_s']:>14.3f}{r['torch_s']:>14.3f}{r['ratio']:>9.2f}x"
          f"{r['aerec_bce']:>11.4f}{r['torch_bce']:>11.4f}{r['bce_gap_percent']:>+8.2f}"
          f"{r['aerec_psnr']:>12.2f}{r['torch_psnr']:>12.2f}")
if out:
    json.dump({"cpu": cpu, "blas": blas, "commit": commit, "device": device, "epochs": int(epochs),
               "repeats": repeats, "rows": rows}, open(out, "w"), indent=1)
PY
