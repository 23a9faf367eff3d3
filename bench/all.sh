#!/usr/bin/env bash
# Every speed benchmark of issue 5, one after another, each beside its peer:
# training the seed preset (train-seed.sh), training a DeepRecommender-size model
# (train-deep.sh), inference in native, wasm, onnxruntime-web and tfjs
# (inference.sh), and training the image presets on Fashion-MNIST (train-conv.sh). Prints each one's table and keeps their JSON in OUT_DIR.
# Run it on a machine with nothing else running: they take about 35 minutes.
# usage: bench/all.sh [OUT_DIR]   (default: a new folder under /tmp)
set -euo pipefail
root=$(cd "$(dirname "$0")" && pwd)
out=${1:-$(mktemp -d "${TMPDIR:-/tmp}/aerec-bench.XXXXXX")}
mkdir -p "$out"
for bench in train-seed train-deep inference train-conv; do
  echo "== $bench =="
  "$root/$bench.sh" --json "$out/$bench.json"
done
echo "JSON results in $out"
