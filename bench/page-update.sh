#!/bin/sh
# The demo page's speed in headless Chromium: load to interactive, a recommendation
# update with 1-5 ratings, one with 20 ratings, and the "Up next" row's share of it.
# Runs the browser test (tests/web/e2e.mjs) RUNS times and prints the median of each
# run's median; the test itself prints these figures but asserts no time.
# Run it on a machine with nothing else running.
# usage: bench/page-update.sh [SITE_DIR] [RUNS]   (default build/wasm/site, 5)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
site=${1:-$root/build/wasm/site}
runs=${2:-5}
log=$(mktemp "${TMPDIR:-/tmp}/aerec-page-update.XXXXXX")
trap 'rm -f "$log"' EXIT

i=0
while [ "$i" -lt "$runs" ]; do
  node "$root/tests/web/e2e.mjs" "$site" >>"$log"
  i=$((i + 1))
done
# One figure per run and line kind: the number after "median" (or the ms of load-to-interactive).
awk -v runs="$runs" '
  function add(kind, value) { n[kind]++; v[kind, n[kind]] = value }
  function med(kind,   i, j, t, k) {
    k = n[kind]
    for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++)
      if (v[kind, j] < v[kind, i]) { t = v[kind, i]; v[kind, i] = v[kind, j]; v[kind, j] = t }
    return k % 2 ? v[kind, (k + 1) / 2] : (v[kind, k / 2] + v[kind, k / 2 + 1]) / 2
  }
  function after(word,   rest) { rest = substr($0, index($0, word) + length(word)); return rest + 0 }
  /^load-to-interactive:/ { add("load to interactive", $2 + 0) }
  /^recommendation update:/ { add("update, 1-5 ratings", after("median ")) }
  /^update with 20 ratings/ { add("update, 20 ratings", after("median ")) }
  /^"Up next"/ { add("\"Up next\" share of it", after("median ")) }
  END {
    printf "demo page in headless Chromium, median over %d runs (ms)\n", runs
    split("load to interactive|update, 1-5 ratings|update, 20 ratings|\"Up next\" share of it", kinds, "|")
    for (i = 1; i <= 4; i++) printf "  %-26s %8.1f\n", kinds[i], med(kinds[i])
  }' "$log"
