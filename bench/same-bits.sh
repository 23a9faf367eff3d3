#!/usr/bin/env bash
# Same bits: short, fixed-seed, one-thread training runs of every preset (and of
# early stopping on both kinds of validation figure) on MovieLens-100K u1, each
# fingerprinted by the SHA-256 of its parameters and of its metrics without the
# timings (bench/same_bits.py). With --against REV, the same runs with aerec
# built from commit REV (in a temporary worktree), compared run by run, and
# REV's mid-run checkpoints resumed by this aerec: a refactoring that changes
# no behaviour changes no bit. Exit 1 when any differs. --against-aerec PATH
# compares with an older aerec already built instead.
# usage: bench/same-bits.sh [--data DIR] [--aerec PATH] [--against REV | --against-aerec PATH] [--keep DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
data=${MOVIELENS_DIR:-$root/../shared/data}
default_aerec=$root/build/native-release/native/aerec
aerec=$default_aerec against= old_aerec= keep=

die() { echo "same-bits.sh: $*" >&2; exit 2; }
# shellcheck source=training_common.sh
source "$root/bench/training_common.sh"
while (($#)); do
  case $1 in
    --data) data=${2:?--data needs a value} ;;
    --aerec) aerec=${2:?--aerec needs a value} ;;
    --against) against=${2:?--against needs a value} ;;
    --against-aerec) old_aerec=${2:?--against-aerec needs a value} against=$old_aerec ;;
    --keep) keep=${2:?--keep needs a value} ;;
    -h | --help) sed -n '2,10p' "$0" | cut -c3-; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
  shift 2
done
[[ -f $data/ml-100k/u1.base ]] && data=$data/ml-100k
[[ -f $data/u1.base ]] || die "no ml-100k folder (u1.base, u1.test) in $data"
ensure_aerec

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# NAME FLAGS...: a few epochs of each preset, one thread, seed 1.
runs=(
  "seed --preset seed --epochs 3"
  "seed-fixed --preset seed-fixed --epochs 3"
  "sparse --preset sparse --epochs 3"
  "denoising --preset denoising --epochs 3"
  "contractive --preset contractive --epochs 3"
  "deeprec --preset deeprec --epochs 3"
  "mult-vae --preset mult-vae --epochs 3"
  "mult-dae --preset mult-dae --epochs 3"
  "autorec-i --preset autorec-i --epochs 3"
  "glocal-k --preset glocal-k --epochs 5 --pretrain-epochs 2"
  "kernel-adam --preset seed-fixed --kernel-dim 3 --kernel-penalty 0.01 --epochs 3"
  "early-rmse --preset seed-fixed --epochs 40 --val 0.1 --patience 2 --lr 0.01"
  "early-ndcg --preset mult-dae --epochs 40 --val 0.1 --patience 2 --lr 0.01"
)

# train_all BINARY DIR: every run above, into DIR/NAME.aerec and DIR/NAME.json,
# with a checkpoint after every second epoch in DIR/NAME.ckpt.
train_all() {
  mkdir -p "$2"
  for r in "${runs[@]}"; do
    read -r name flags <<<"$r"
    echo "same-bits: $name ($1)" >&2
    # shellcheck disable=SC2086
    quietly "$name" "$1" train --data "$data" --split u1 --seed 1 --threads 1 $flags \
      --out "$2/$name.aerec" --metrics-out "$2/$name.json" --checkpoint-every 2 --checkpoint "$2/$name.ckpt"
  done
}

# resume_all BINARY FROM DIR: BINARY finishes each of FROM's runs from its
# checkpoint (a run of an odd number of epochs has one more to go), into DIR.
resume_all() {
  mkdir -p "$3"
  for r in "${runs[@]}"; do
    read -r name _ <<<"$r"
    echo "same-bits: $name resumed ($1)" >&2
    quietly "$name" "$1" train --resume "$2/$name.ckpt" --checkpoint "$3/$name.ckpt" \
      --out "$3/$name.aerec" --metrics-out "$3/$name.json"
  done
}

# quietly NAME COMMAND...: its output only when it fails.
quietly() {
  "${@:2}" >"$tmp/$1.log" 2>&1 || { cat "$tmp/$1.log" >&2; die "$1 failed"; }
}

out=${keep:-$tmp/runs}
train_all "$aerec" "$out/new"
if [[ -z $against ]]; then
  python3 "$root/bench/same_bits.py" "$out/new"
  exit 0
fi
if [[ -z $old_aerec ]]; then
  worktree=$tmp/against
  git -C "$root" worktree add --detach "$worktree" "$against" >/dev/null
  trap 'git -C "$root" worktree remove --force "$worktree"; rm -rf "$tmp"' EXIT
  echo "same-bits: building aerec at $against" >&2
  (cd "$worktree" && cmake --preset native-release -DAEREC_BUILD_TESTS=OFF -DAEREC_BUILD_BENCH=OFF >/dev/null &&
    cmake --build build/native-release --target aerec_cli >/dev/null) || die "could not build $against"
  old_aerec=$worktree/build/native-release/native/aerec
fi
[[ -x $old_aerec ]] || die "no aerec binary at $old_aerec"
train_all "$old_aerec" "$out/old"
# The new aerec resumes the old one's checkpoints, and ends where the old one did.
resume_all "$aerec" "$out/old" "$out/resumed"
status=0
echo "== the same runs, by $against and by this aerec"
python3 "$root/bench/same_bits.py" --compare "$out/old" "$out/new" || status=1
echo "== $against's runs, and its checkpoints resumed by this aerec"
python3 "$root/bench/same_bits.py" --compare "$out/old" "$out/resumed" || status=1
exit $status
