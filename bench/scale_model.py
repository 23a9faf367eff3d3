#!/usr/bin/env python3
"""The cost of data-parallel training at scale, from figures measured here.

Reads aerec train's metrics of one process (one thread) for each rating preset
(--runs DIR: PRESET.json, and PRESET-2.json from `mpirun -np 2` when present)
and this machine's exchange times (--exchange FILE: aerec_bench_exchange's
output), and prints, per preset: the bytes all-reduced per step, the compute
per step measured here, the 2-process speed-up predicted and measured here, and
the predicted speed-up on 16 CPU nodes over 25 Gbit/s Ethernet. For the
DeepRecommender-size recipe it adds 8 GPUs over NVLink and over Ethernet, from
the GPU step time measured on an H200 (README, bench/gpu-check.sh).

The model: one step on P workers takes compute/P + the all-reduce, which
aerec does after the backward pass (no overlap). A ring all-reduce of B bytes
moves 2(P-1)/P * B over each link and takes 2(P-1) latencies. Within this
machine the exchange is aerec's own (bench/exchange.cpp), fitted as
latency + B / bandwidth. Link figures are the assumptions below, not measured.
"""
import argparse
import json
import math
import os
import statistics

PRESETS = ["seed", "seed-fixed", "sparse", "denoising", "deeprec", "contractive", "mult-vae", "mult-dae",
           "autorec-i", "glocal-k"]
ETHERNET = {"name": "25 Gbit/s Ethernet", "bandwidth": 2.9e9, "latency": 25e-6}  # TCP, after overheads
NVLINK = {"name": "NVLink (H100/H200, NCCL ring)", "bandwidth": 300e9, "latency": 8e-6}
# The DeepRecommender-size recipe on an H200: 0.0346-0.0542 s an epoch of 48 steps, of which
# about 0.4 ms a step is GPU time and the rest launches and host work, which do not shrink with P.
GPU_STEP, GPU_KERNELS = 0.0497 / 48, 0.4e-3


def ring(p, size, link):
    return 0.0 if p == 1 else 2 * (p - 1) / p * size / link["bandwidth"] + 2 * (p - 1) * link["latency"]


def fit_exchange(path):
    """(latency s, bandwidth B/s) of this machine's exchange, least squares over the sizes measured."""
    rows = [tuple(map(float, line.split()[:2])) for line in open(path) if line[:1].isspace()]
    xs, ys = [mb * 1e6 for mb, _ in rows], [ms / 1e3 for _, ms in rows]
    mx, my = statistics.mean(xs), statistics.mean(ys)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    return max(my - slope * mx, 0.0), 1 / slope


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", required=True)
    parser.add_argument("--exchange", required=True)
    args = parser.parse_args()
    latency, bandwidth = fit_exchange(args.exchange)
    here = {"bandwidth": bandwidth, "latency": latency}
    print(f"this machine's exchange (2 processes): {latency * 1e3:.3f} ms + bytes / {bandwidth / 1e9:.2f} GB/s\n")
    print("| preset | parameters | MB all-reduced a step | steps an epoch | compute a step here (ms) "
          "| 2 processes here: predicted | measured | 16 CPU nodes, 25 GbE |")
    print("|---|---|---|---|---|---|---|---|")
    for preset in PRESETS:
        if not os.path.exists(os.path.join(args.runs, preset + ".json")):
            continue
        m = json.load(open(os.path.join(args.runs, preset + ".json")))
        config = m["config"]
        # Steps an epoch: the training rows (users, or movies when item-based) over the batch;
        # dense re-feeding takes a second step a batch; L-BFGS sums once an evaluation (its
        # line search makes about 1.25 an iteration).
        seconds = m["history"][-1]["seconds"]
        if config.get("optimizer") == "lbfgs":
            steps = 1.25 * config["lbfgs-iters"]
        else:
            rows = m["train_rows"]
            steps = math.ceil(rows / config["batch"]) * (2 if config.get("refeed") else 1)
        size = 4 * m["parameters"]
        compute = seconds / steps
        predicted2 = compute / (compute / 2 + latency + size / bandwidth)
        two = os.path.join(args.runs, preset + "-2.json")
        measured2 = (f"{seconds / json.load(open(two))['history'][-1]['seconds']:.2f}×"
                     if os.path.exists(two) else "")
        nodes = compute / (compute / 16 + ring(16, size, ETHERNET))
        print(f"| {preset} | {m['parameters']:,} | {size / 1e6:.1f} | {steps:g} | {compute * 1e3:.2f} "
              f"| {predicted2:.2f}× | {measured2} | {nodes:.2f}× |")
    deep = 4 * 5_374_586
    print(f"\nDeepRecommender size ({deep / 1e6:.1f} MB a step), 8 GPUs, from an H200's "
          f"{GPU_STEP * 1e3:.2f} ms step:")
    for link in (NVLINK, ETHERNET):
        step8 = (GPU_STEP - GPU_KERNELS) + GPU_KERNELS / 8 + ring(8, deep, link)
        print(f"  {link['name']}: all-reduce {ring(8, deep, link) * 1e3:.3f} ms, step {step8 * 1e3:.3f} ms, "
              f"{GPU_STEP / step8:.2f}×")
    # NVIDIA's Mult-VAE on ML-20M: 20,108 items, 600-200-600: 5.9x on 8 V100s (NVLink 2).
    vae = 4 * (2 * 20108 * 600 + 20108 + 600 * 400 + 400 + 200 * 600 + 600 + 600)
    v100 = {"bandwidth": 130e9, "latency": 8e-6}
    needed = 5.9 * ring(8, vae, v100) / (1 - 5.9 / 8)
    print(f"\nAnchor, Mult-VAE on ML-20M ({vae / 1e6:.0f} MB a step), 5.9× on 8 V100s: with its all-reduce of "
          f"{ring(8, vae, v100) * 1e3:.2f} ms on NVLink 2 and no overlap, the model needs "
          f"{needed * 1e3:.1f} ms of compute a step on one V100.")


if __name__ == "__main__":
    main()
