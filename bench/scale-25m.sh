#!/usr/bin/env bash
# aerec at MovieLens-25M's size, on a synthetic set of its shape (bench/synthetic_ratings.cpp;
# made once in OUT/data-N, then reused): each command's wall and CPU time (the steadier on a
# shared machine) and peak memory, from /usr/bin/time -v: data info; one epoch of train for
# seed-fixed, denoising, mult-vae and autorec-i on random:0.1 (with --lazy-updates where this
# aerec has it); eval and export of seed-fixed's model. For each train, the bytes of the CSR
# arrays (ratings x (4-byte column + 4-byte value) + row offsets) plus the model's parameters
# and its optimizer's state, and the peak's ratio to them (issue 22's target: at most 2.5).
# A command past --limit seconds is stopped, and the table says so.
# usage: bench/scale-25m.sh [--ratings N] [--users U] [--movies M] [--out DIR] [--threads T]
#                           [--limit SECONDS] [--aerec PATH] [--presets "P..."]
# --presets: the presets to train (default all four; eval and export need seed-fixed).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
ratings=25000095 threads=2 limit=900 users='' movies=''
presets=(seed-fixed denoising mult-vae autorec-i)
out=${TMPDIR:-/tmp}/aerec-scale-25m
default_aerec=$root/build/native-release/native/aerec
aerec=$default_aerec

die() { echo "scale-25m.sh: $*" >&2; exit 2; }
# shellcheck source=training_common.sh
source "$root/bench/training_common.sh"
while (($#)); do
  case $1 in
    --ratings) ratings=${2:?--ratings needs a value} ;;
    --users) users=${2:?--users needs a value} ;;
    --movies) movies=${2:?--movies needs a value} ;;
    --out) out=${2:?--out needs a value} ;;
    --threads) threads=${2:?--threads needs a value} ;;
    --limit) limit=${2:?--limit needs a value} ;;
    --aerec) aerec=${2:?--aerec needs a value} ;;
    --presets) read -r -a presets <<<"${2:?--presets needs a value}" ;;
    -h | --help) sed -n '2,12p' "$0" | cut -c3-; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
  shift 2
done
[[ -x /usr/bin/time ]] || die "no /usr/bin/time: apt-get install time"
ensure_aerec
generator=$(dirname "$aerec")/../bench/aerec_bench_synthetic_ratings
[[ -x $generator || $aerec != "$default_aerec" ]] ||
  (cd "$root" && cmake --build --preset native-release --target aerec_bench_synthetic_ratings)
[[ -x $generator ]] || die "no generator at $generator (build the target aerec_bench_synthetic_ratings)"

# The presets' own widths: at ML-25M's size the widest, autorec-i's 500 units over 162,541
# users, holds 163 M parameters (2.6 GB with their gradients and Adam's two slots), and
# mult-vae's 600-200-600 over 59,047 movies 71 M: both fit in 24 GiB, so none is narrowed.
declare -A layers=([seed-fixed]="20 10 20" [denoising]="40 20 40" [mult-vae]="600 200 600" [autorec-i]=500)
for preset in "${presets[@]}"; do
  [[ -n ${layers[$preset]:-} ]] || die "--presets: '$preset' is none of ${!layers[*]}"
done
lazy=()
if "$aerec" train --help | grep -q -- --lazy-updates; then lazy=(--lazy-updates); fi

mkdir -p "$out"
shape=(--ratings "$ratings")
[[ -z $users ]] || shape+=(--users "$users")
[[ -z $movies ]] || shape+=(--movies "$movies")
tag=$ratings${users:+-u$users}${movies:+-m$movies}
data=$out/data-$tag runs=$out/runs-$tag
if [[ ! -f $data/summary || $(cat "$data/shape" 2>/dev/null) != "${shape[*]}" ]]; then
  echo "generating $data ..." >&2
  mkdir -p "$data"
  "$generator" --out "$data" "${shape[@]}" 2>&1 | tee "$data/summary" >&2
  echo "${shape[*]}" >"$data/shape"
fi

# measure NAME COMMAND...: runs it under /usr/bin/time -v (killed after $limit s, exit 137: a
# gentler signal would have train save a checkpoint, whose memory is no part of the command's),
# its output in $runs/NAME.out and .log, the time's report in $runs/NAME.time; 1 when it failed.
measure() {
  local name=$1
  shift
  echo "$name ..." >&2
  OMP_NUM_THREADS=$threads OPENBLAS_NUM_THREADS=$threads /usr/bin/time -v -o "$runs/$name.time" \
    timeout --signal=KILL "$limit" "$@" >"$runs/$name.out" 2>"$runs/$name.log" && return 0
  echo "$name failed or was stopped; see $runs/$name.log" >&2
  return 1
}

rm -rf "$runs" && mkdir -p "$runs" # nothing of an earlier run is scored
measure "data-info" "$aerec" data info "$data" || true
for preset in "${presets[@]}"; do
  # shellcheck disable=SC2206 # the widths split into words
  flags=(--data "$data" --split random:0.1 --preset "$preset" --epochs 1 --threads "$threads"
    --layers ${layers[$preset]} --out "$runs/$preset.aerec" --metrics-out "$runs/$preset.json")
  if ((${#lazy[@]})) && measure "train-$preset" "$aerec" train "${flags[@]}" "${lazy[@]}"; then
    touch "$runs/train-$preset.lazy"
  elif ! ((${#lazy[@]})) || grep -q -- "lazy" "$runs/train-$preset.log"; then
    # Without the option, or refused for this preset's optimizer: its dense updates.
    measure "train-$preset" "$aerec" train "${flags[@]}" || true
  fi
  [[ ! -f $runs/$preset.aerec ]] || "$aerec" info --json "$runs/$preset.aerec" >"$runs/$preset.info.json"
done
if [[ -f $runs/seed-fixed.aerec ]]; then
  measure "eval" "$aerec" eval "$runs/seed-fixed.aerec" --threads "$threads" || true
  measure "export" "$aerec" export "$runs/seed-fixed.aerec" --web "$runs/web" || true
fi

commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
python3 - "$runs" "$data" "$threads" "$limit" "$commit" "${presets[@]}" <<'PY'
import json, os, re, sys

out, data, threads, limit, commit, *presets = sys.argv[1:]

def time_report(name):
    path = f"{out}/{name}.time"
    if not os.path.exists(path):
        return None
    text = open(path).read()
    clock = re.search(r"Elapsed \(wall clock\) time .*: (?:(\d+):)?(\d+):([\d.]+)", text).groups()
    seconds = int(clock[0] or 0) * 3600 + int(clock[1]) * 60 + float(clock[2])
    cpu = sum(float(re.search(rf"{kind} time \(seconds\): ([\d.]+)", text).group(1)) for kind in ("User", "System"))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1)) * 1024
    status = re.search(r"Exit status: (\d+)", text)
    code = int(status.group(1)) if status else 0
    if "terminated by signal 9" in text:  # timeout --signal=KILL takes itself down too
        code = 137
    return seconds, cpu, rss, code

# The generator's summary: "DIR: N ratings, U users, M movies (ids up to ...) ...".
summary = open(f"{data}/summary").read()
ratings, users, movies = map(int, re.search(r"(\d+) ratings, (\d+) users, (\d+) movies", summary).groups())
size = os.path.getsize(f"{data}/ratings.csv")

def optimizer_slots(config):
    # As optimizer_state_count (lib/src/train/optimizer_config.cpp): the arrays of state a parameter has.
    kind = config.get("optimizer", "adam")
    if kind == "sgd":
        return 1 if config.get("momentum", 0) else 0
    if kind == "rmsprop":
        return 1 + (config.get("momentum", 0) > 0) + bool(config.get("centered", False))
    if kind in ("adam", "adamw"):
        return 3 if config.get("amsgrad", False) else 2
    return {"adagrad": 1, "adadelta": 2}.get(kind, 0)

mib = lambda b: b / 2**20
print(f"aerec at scale: {ratings:,} ratings, {users:,} users, {movies:,} movies "
      f"({mib(size):,.0f} MiB of CSV); {threads} threads; commit {commit}")
print()
print("| command | wall s | CPU s | epoch s | peak RSS MiB | CSR + model + optimizer MiB | peak / that |")
print("|---|---:|---:|---:|---:|---:|---:|")
notes = []

def row(name, label, counted=None, epoch=None):
    t = time_report(name)
    if t is None:
        print(f"| {label} | not run | | | | | |")
        return
    seconds, cpu, rss, code = t
    if code in (124, 137):
        label += f" (stopped at {limit} s)"
    elif code != 0:
        label += f" (failed, exit {code})"
    ratio = f"{rss / counted:.2f}" if counted else ""
    print(f"| {label} | {seconds:.1f} | {cpu:.1f} | {'' if epoch is None else f'{epoch:.1f}'} | {mib(rss):,.0f} | "
          f"{'' if not counted else f'{mib(counted):,.0f}'} | {ratio} |")

csr_users = ratings * 8 + (users + 1) * 4
row("data-info", "data info", csr_users)
for preset in presets:
    name = f"train-{preset}"
    label = f"train {preset}" + (" --lazy-updates" if os.path.exists(f"{out}/{name}.lazy") else "")
    counted = epoch = None
    try:
        metrics = json.load(open(f"{out}/{preset}.json"))
        config = metrics["config"]
        parameters = json.load(open(f"{out}/{preset}.info.json"))["parameters"]
        rows = movies if config.get("item-based") else users
        csr = ratings * 8 + (rows + 1) * 4
        slots = optimizer_slots(config)
        counted = csr + parameters * 4 * (1 + slots)
        epoch = metrics["train_seconds"]
        notes.append(f"{preset}: layers {config['layers']}, {parameters:,} parameters, "
                     f"{config['optimizer']} ({slots} slots): CSR {mib(csr):,.0f} MiB + model and "
                     f"optimizer {mib(parameters * 4 * (1 + slots)):,.0f} MiB")
    except (OSError, KeyError, ValueError):
        pass
    row(name, label, counted, epoch)
model = None
try:
    model = json.load(open(f"{out}/seed-fixed.info.json"))["parameters"] * 4
except (OSError, KeyError, ValueError):
    pass
row("eval", "eval seed-fixed", csr_users + model if model else None)
row("export", "export seed-fixed --web", csr_users + model if model else None)
print()
print("CSR: ratings x 8 bytes + (rows + 1) x 4; model: parameters x 4 bytes x (1 + optimizer slots);")
print("data info, eval and export count the CSR (and the model) alone.")
for n in notes:
    print("  " + n)
PY
