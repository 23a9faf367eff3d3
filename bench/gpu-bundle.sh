#!/usr/bin/env bash
# Packs what bench/gpu-check.sh --prebuilt needs for a GPU machine that cannot build aerec (no
# Eigen, Catch2, CLI11, libcurl or libzip there, no network): the CUDA build's aerec and
# aerec_cuda_tests (stripped), the shared libraries they load beyond glibc, the C++ runtime and
# CUDA's own, and the ML-1M folder. There, run
#   LD_LIBRARY_PATH=DIR/lib:/usr/local/cuda/lib64 bench/gpu-check.sh --prebuilt DIR/build --data DIR/data
# usage: bench/gpu-bundle.sh DIR [--data MOVIELENS_DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
die() { echo "gpu-bundle.sh: $*" >&2; exit 2; }
out=${1:?usage: bench/gpu-bundle.sh DIR [--data MOVIELENS_DIR]}
data=${MOVIELENS_DIR:-$root/../shared/data}
[[ ${2:-} != --data ]] || data=${3:?--data needs a value}
[[ -d $data/ml-1m ]] || die "no ml-1m folder in $data"

build=$root/build/native-cuda
(cd "$root" && cmake --preset native-cuda >/dev/null &&
  cmake --build --preset native-cuda --target aerec_cli aerec_cuda_tests)
rm -rf "$out"
mkdir -p "$out/build/native" "$out/build/tests" "$out/lib" "$out/data"
strip -o "$out/build/native/aerec" "$build/native/aerec"
strip -o "$out/build/tests/aerec_cuda_tests" "$build/tests/aerec_cuda_tests"
# glibc, the C++ runtime and the CUDA driver's libraries come from the GPU machine itself.
system='/(ld-linux[^/]*|lib(c|m|dl|pthread|rt|resolv|stdc\+\+|gcc_s|cuda|cublas|cublasLt)\.so[^/]*)$'
for binary in "$out"/build/native/aerec "$out"/build/tests/aerec_cuda_tests; do
  ldd "$binary" | awk '/=> \//{print $3}'
done | sort -u | grep -Ev "$system" | xargs -r cp -L -t "$out/lib"
cp -r "$data/ml-1m" "$out/data/"
du -sh "$out"
