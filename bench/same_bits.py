#!/usr/bin/env python3
"""Fingerprints of aerec training runs, for bench/same-bits.sh.

For each RUN.aerec / RUN.json pair in a folder: the SHA-256 of the model's
parameters (the WGHT section, read from a version-1 or version-2 model file)
and of its metrics with the timings left out (train_seconds, each epoch's
seconds), plus the headline figure. Prints one tab-separated line per run.
Compare two folders with --compare OLD NEW: exit 1 when any run differs.
"""
import argparse
import hashlib
import json
import pathlib
import struct
import sys

TIMINGS = {"train_seconds", "seconds"}


def sections(path):
    data = path.read_bytes()
    if data[:8] != b"AERECMDL":
        raise SystemExit(f"{path}: not an aerec model file")
    _version, count = struct.unpack_from("<II", data, 8)
    at, found = 16, {}
    for _ in range(count):
        tag = data[at:at + 4].decode("ascii")
        (length,) = struct.unpack_from("<Q", data, at + 4)
        found[tag] = data[at + 12:at + 12 + length]
        at += 12 + length
    return found


def without_timings(value):
    if isinstance(value, dict):
        return {k: without_timings(v) for k, v in value.items() if k not in TIMINGS}
    if isinstance(value, list):
        return [without_timings(v) for v in value]
    return value


def headline(metrics):
    for key in ("test_rmse", "test_ndcg_at_100"):
        if key in metrics:
            return f"{key}={metrics[key]:.6f}"
    return "-"


def fingerprints(folder):
    out = {}
    for model in sorted(pathlib.Path(folder).glob("*.aerec")):
        run = model.stem
        weights = hashlib.sha256(sections(model)["WGHT"]).hexdigest()[:16]
        metrics = json.loads(model.with_suffix(".json").read_text())
        canonical = json.dumps(without_timings(metrics), sort_keys=True)
        figures = hashlib.sha256(canonical.encode()).hexdigest()[:16]
        out[run] = (weights, figures, headline(metrics))
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("folder", nargs="?")
    p.add_argument("--compare", nargs=2, metavar=("OLD", "NEW"))
    a = p.parse_args()
    if a.compare:
        old, new = (fingerprints(f) for f in a.compare)
        differ = 0
        print("run\tparameters\tmetrics\tfigure\tsame")
        for run in sorted(set(old) | set(new)):
            o, n = old.get(run), new.get(run)
            same = o is not None and n is not None and o[:2] == n[:2]
            differ += not same
            shown = n or o
            print(f"{run}\t{shown[0]}\t{shown[1]}\t{shown[2]}\t{'yes' if same else 'NO: ' + str(o) + ' -> ' + str(n)}")
        print(f"{len(set(old) | set(new)) - differ} of {len(set(old) | set(new))} runs give the same bits")
        sys.exit(1 if differ else 0)
    print("run\tparameters\tmetrics\tfigure")
    for run, (w, m, h) in fingerprints(a.folder).items():
        print(f"{run}\t{w}\t{m}\t{h}")


if __name__ == "__main__":
    main()
