#!/usr/bin/env bash
# Training speed of the seq2seq preset on MovieLens (split last): aerec vs the same data,
# windows, network (nn.Embedding, nn.LSTM, nn.Linear), initialisation (PyTorch's), optimizer
# (Adam lr 1e-3), loss and batch (128) in PyTorch (bench/seq2seq_pytorch.py), run interleaved
# (aerec, then torch, per repeat and thread count) so the shared machine's noise hits both
# alike. Reports median seconds per epoch (the first, warm-up epoch left out when there are
# more), the ratio, and both sides' test HR@10 / NDCG@10 after the same epochs.
# usage: bench/train-seq.sh [--data FILE] [--epochs E] [--repeats N] [--threads "1 2"]
#                           [--flags "aerec train flags"] [--aerec PATH] [--json FILE]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
epochs=3 repeats=3 json='' threads=1 flags=''
data=${MOVIELENS_DIR:-$root/../shared/data}/ml-100k/u.data
default_aerec=$root/build/native-release/native/aerec
aerec=$default_aerec
python=/usr/bin/python3 # the python3 first on PATH may lack torch

die() { echo "train-seq.sh: $*" >&2; exit 2; }
# shellcheck source=training_common.sh
source "$root/bench/training_common.sh"
while (($#)); do
  case $1 in
    --data) data=${2:?--data needs a value} ;;
    --epochs) epochs=${2:?--epochs needs a value} ;;
    --repeats) repeats=${2:?--repeats needs a value} ;;
    --threads) threads=${2:?--threads needs a value} ;;
    --flags) flags=${2?--flags needs a value} ;;
    --aerec) aerec=${2:?--aerec needs a value} ;;
    --json) json=${2:?--json needs a value} ;;
    -h | --help) sed -n '2,9p' "$0" | cut -c3-; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
  shift 2
done
[[ -f $data ]] || die "no rating file $data (--data FILE with timestamps, e.g. ml-100k/u.data)"
ensure_aerec
find_pytorch_blas

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The network's sizes as aerec's run stored them (its metrics' configuration), for the peer.
peer_sizes() {
  "$python" -c 'import json, sys
c = json.load(open(sys.argv[1]))["config"]
print(" ".join(f"--{k} {int(c[v]) if isinstance(c[v], bool) else c[v]}" for k, v in [
    ("length", "seq-length"), ("steps", "seq-steps"), ("embedding", "embedding"), ("hidden", "lstm-hidden"),
    ("teacher-forcing", "teacher-forcing"), ("dropout", "dropout")]))' "$1"
}
for ((r = 1; r <= repeats; r++)); do
  for t in $threads; do
    echo "repeat $r/$repeats, $t thread(s): aerec ..." >&2
    # shellcheck disable=SC2086 # the flags split into words on purpose
    run_pinned "aerec-$r-$t" "$t" "$aerec" train --preset seq2seq $flags --data "$data" --seed "$r" \
      --epochs "$epochs" --threads "$t" --metrics-out "$tmp/aerec-$r-$t.json" >/dev/null
    echo "repeat $r/$repeats, $t thread(s): pytorch ..." >&2
    # shellcheck disable=SC2046 # the sizes split into words on purpose
    run_pinned "torch-$r-$t" "$t" "$python" "$root/bench/seq2seq_pytorch.py" \
      $(peer_sizes "$tmp/aerec-$r-$t.json") --data "$data" \
      --seed "$r" --epochs "$epochs" --threads "$t" >"$tmp/torch-$r-$t.json"
  done
done

cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -1)
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
"$python" - "$tmp" "$repeats" "$epochs" "$threads" "$json" "$cpu" "$blas" "$commit" "$data" <<'PY'
import json, statistics, sys
import torch

tmp, repeats, epochs, threads, out, cpu, blas, commit, data = sys.argv[1:]
repeats, threads = int(repeats), [int(t) for t in threads.split()]
median = statistics.median
keys = ["test_hr_at_10", "test_ndcg_at_10", "test_hr_at_10_sampled100", "test_ndcg_at_10_sampled100"]


def epoch_seconds(history):
    """Median seconds per epoch, the first (warm-up) left out when there are more."""
    return median(history[1:] if len(history) > 1 else history)


rows = {}
for t in threads:
    pairs = []
    for r in range(1, repeats + 1):
        a = json.load(open(f"{tmp}/aerec-{r}-{t}.json"))
        q = json.load(open(f"{tmp}/torch-{r}-{t}.json"))
        pair = {"aerec_s": epoch_seconds([e["seconds"] for e in a["history"]]),
                "torch_s": epoch_seconds(q["epoch_seconds"])}
        pair.update({f"aerec_{k}": a[k] for k in keys})
        pair.update({f"torch_{k}": q[k] for k in keys})
        pairs.append(pair)
    row = {k: median(x[k] for x in pairs) for k in pairs[0]}
    row["ratio"] = median(x["torch_s"] / x["aerec_s"] for x in pairs)
    rows[str(t)] = row

print(f"{cpu}; torch {torch.__version__}, BLAS {blas}; aerec {commit}; {data}; {epochs} epochs, "
      f"medians of {repeats} interleaved repeats")
print(f"{'threads':<8}{'aerec s/epoch':>14}{'torch s/epoch':>14}{'speed-up':>10}"
      f"{'aerec HR/NDCG@10':>20}{'torch HR/NDCG@10':>20}{'aerec sampled':>16}{'torch sampled':>16}")
for k, r in rows.items():
    print(f"{k:<8}{r['aerec_s']:>14.3f}{r['torch_s']:>14.3f}{r['ratio']:>9.2f}x"
          f"{r['aerec_test_hr_at_10']:>11.4f}/{r['aerec_test_ndcg_at_10']:.4f}"
          f"{r['torch_test_hr_at_10']:>11.4f}/{r['torch_test_ndcg_at_10']:.4f}"
          f"{r['aerec_test_hr_at_10_sampled100']:>9.4f}/{r['aerec_test_ndcg_at_10_sampled100']:.4f}"
          f"{r['torch_test_hr_at_10_sampled100']:>9.4f}/{r['torch_test_ndcg_at_10_sampled100']:.4f}")
if out:
    json.dump({"cpu": cpu, "blas": blas, "commit": commit, "data": data, "epochs": int(epochs),
               "repeats": repeats, "rows": rows}, open(out, "w"), indent=1)
PY
