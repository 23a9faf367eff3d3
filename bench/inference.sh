#!/bin/sh
# Inference latency, one thread, batch 1 and 64: aerec native and aerec's wasm
# module in Node beside onnxruntime-web and tfjs on their wasm backends
# (bench/inference/bench.mjs), for the seed's shape and DeepRecommender's.
# usage: bench/inference.sh [bench.mjs options: --json FILE --seconds S --rounds R]
# Needs ML-1M: $MOVIELENS_DIR/ml-1m (default ../shared/data/ml-1m). The native
# side builds in $AEREC_BUILD (default build/native-release, configured by its preset).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${AEREC_BUILD:-build/native-release}
data=${MOVIELENS_DIR:-$root/../shared/data}/ml-1m
work=$(mktemp -d "${TMPDIR:-/tmp}/aerec-inference.XXXXXX")
trap 'rm -rf "$work"' EXIT
export NODE_PATH="${NODE_PATH:-/usr/share/nodejs}"  # as scripts/test builds the wasm preset

cd "$root"
[ -f "$build/build.ninja" ] || cmake --preset native-release -B "$build"
cmake --build "$build" --target aerec_cli aerec_bench_predict
[ -f build/wasm/build.ninja ] || cmake --preset wasm
cmake --build --preset wasm
if [ ! -f bench/inference/node_modules/.package-lock.json ] ||
   [ bench/inference/package-lock.json -nt bench/inference/node_modules/.package-lock.json ]; then
  (cd bench/inference && npm ci --ignore-scripts --no-audit --no-fund)
fi

# One epoch, not zero: untrained outputs sit almost all outside the rating
# scale, so the clipped parity check would compare nothing but the bounds.
train() {
  "$build/native/aerec" train --data "$data" --split all --threads 1 --epochs 1 "$@" \
    2>"$work/train.log" || { cat "$work/train.log" >&2; exit 1; }
}
train --preset seed --out "$work/seed.aerec"
train --preset seed-fixed --layers 512 512 1024 512 512 --activation selu --output-activation selu \
  --out "$work/deeprec.aerec"

node bench/inference/bench.mjs --model "seed=$work/seed.aerec" --model "deeprec=$work/deeprec.aerec" \
  --native "$build/bench/aerec_bench_predict" --module build/wasm/wasm "$@"
