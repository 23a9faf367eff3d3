#!/bin/sh
# Times aerec's rating reader on a synthetic ML-25M-sized CSV (25,000,000 lines,
# "userId,movieId,rating,timestamp"), written under /tmp, never in the repository.
# usage: bench/read-speed.sh [BUILD_DIR]   (default build/native-release)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/native-release}
data=${TMPDIR:-/tmp}/aerec-bench-read
file=$data/ratings.csv

cmake --build "$build" --target aerec_bench_read
if [ ! -s "$file" ]; then
  mkdir -p "$data"
  echo "writing $file (25,000,000 ratings) ..."
  # Deterministic: ~162k users with sorted ids, 154 distinct movies each (ids up
  # to 209k, a stride prime to the range), half stars.
  awk 'BEGIN {
    srand(25); print "userId,movieId,rating,timestamp"
    for (i = 0; i < 25000000; i++)
      printf "%d,%d,%.1f,%d\n", 1 + int(i / 154), 1 + (int(i / 154) * 7919 + (i % 154) * 1009) % 209171,
             (1 + int(rand() * 10)) / 2, 789652009 + int(rand() * 785000000)
  }' > "$file.tmp"
  mv "$file.tmp" "$file"
fi
"$build/bench/aerec_bench_read" "$file"
