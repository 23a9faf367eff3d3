#!/bin/sh
# Inference latency, one thread, batch 1 and 64: aerec native and aerec's wasm
# module in Node beside onnxruntime-web and tfjs on their wasm backends
# (bench/inference/bench.mjs), for the seed's shape and DeepRecommender's,
# with each cell's FLOP and weight-byte rates against one core's ceilings
# (bench/inference/ceiling.cpp, built here with emcc).
# usage: bench/inference.sh [--weights "f32 f16 q8"] [bench.mjs options: --json FILE --seconds S --rounds R
#        --baseline DIR]
# --weights: the encodings of the model files aerec reads (default all three;
# a compact file's weights are decoded at load, so the peers get them as f32).
# Needs ML-1M: $MOVIELENS_DIR/ml-1m (default ../shared/data/ml-1m). The native
# side builds in $AEREC_BUILD (default build/native-release, configured by its preset).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${AEREC_BUILD:-build/native-release}
data=${MOVIELENS_DIR:-$root/../shared/data}/ml-1m
encodings="f32 f16 q8"
if [ "${1:-}" = --weights ]; then
  encodings=${2:?--weights needs a list of encodings}
  shift 2
fi
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
# One file holding its wasm (Emscripten 3.1.6's loader cannot fetch a file path in Node 20).
em++ -std=c++20 -O3 -msimd128 bench/inference/ceiling.cpp -o "$work/ceiling.js" \
  -sSINGLE_FILE=1 -sENVIRONMENT=node -sALLOW_MEMORY_GROWTH=1 -sINITIAL_MEMORY=320MB

aerec() { "$build/native/aerec" "$@" 2>"$work/aerec.log" || { cat "$work/aerec.log" >&2; exit 1; }; }
# One epoch, not zero: untrained outputs sit almost all outside the rating
# scale, so the clipped parity check would compare nothing but the bounds.
train() { aerec train --data "$data" --split all --threads 1 --epochs 1 "$@"; }
train --preset seed --out "$work/seed.aerec"
train --preset seed-fixed --layers 512 512 1024 512 512 --activation selu --output-activation selu \
  --out "$work/deeprec.aerec"

models=
for name in seed deeprec; do
  for encoding in $encodings; do
    if [ "$encoding" = f32 ]; then
      models="$models --model $name=$work/$name.aerec"
    else
      # aerec reads the compact file; the peers its weights as decoded, written as f32.
      aerec export "$work/$name.aerec" --weights "$encoding" --out "$work/$name-$encoding.aerec"
      aerec export "$work/$name-$encoding.aerec" --weights f32 --out "$work/$name-$encoding-f32.aerec"
      models="$models --model $name-$encoding=$work/$name-$encoding.aerec@$work/$name-$encoding-f32.aerec"
    fi
  done
done

# shellcheck disable=SC2086  # $models: words on purpose (no spaces in $work)
node bench/inference/bench.mjs $models --native "$build/bench/aerec_bench_predict" --module build/wasm/wasm \
  --ceiling "$work/ceiling.js" "$@"
