#!/usr/bin/env python3
"""A DeepRecommender-size autoencoder in PyTorch: the peer that bench/train-deep.sh
times aerec against.

items -> 512 -> 512 -> 1024 -> 512 -> 512 -> items (nn.Linear, PyTorch's default
init), SELU hidden, identity output, nn.Dropout(P) on the 1024-wide code when
P > 0; masked MSE averaged over the rated entries of the batch; SGD with
momentum, gradients zeroed every step; shuffled users, 128 a step, dense input
rows. The split is its own: a random fraction of the ratings held out with
--seed, like aerec's random:F (a different generator, so not the same ratings).
Test ratings of a user or movie without training ratings are left out, as aerec
does. Only the training loop is timed. Prints one JSON line: per-epoch seconds
and the test RMSE, predictions clipped to 1..5.

Usage: /usr/bin/python3 bench/deep_pytorch.py --data DIR [--epochs 5]
       [--seed 0] [--threads 1] [--test-fraction 0.1] [--batch 128]
       [--lr 0.005] [--momentum 0.9] [--dropout 0.8] [--device cpu|cuda]

With --device cuda the matrices and the network live on the GPU (FP32 products,
no TF32, as aerec's), and each epoch's time waits for the GPU to finish.
"""
import argparse
import json
import os
import time

import numpy as np
import torch
import torch.nn as nn

WIDTHS = (512, 512, 1024, 512, 512)
CODE_LAYER = 2  # index in WIDTHS of the code, where dropout goes


def read_ratings(folder):
    """(user, item, rating) rows of ML-1M's `::`-separated ratings file."""
    for name in ("ratings-notimestamp.dat", "ratings.dat"):
        path = os.path.join(folder, name)
        if os.path.exists(path):
            with open(path, encoding="latin-1") as f:
                rows = [line.split("::")[:3] for line in f if line.strip()]
            return np.array(rows, dtype=np.int64)
    raise SystemExit(f"deep_pytorch.py: no ratings.dat or ratings-notimestamp.dat in {folder}")


def split(ratings, fraction, seed):
    """Dense train and test matrices (users x items, 0 = unrated) over dense ids."""
    _, users = np.unique(ratings[:, 0], return_inverse=True)
    _, items = np.unique(ratings[:, 1], return_inverse=True)
    shape = (users.max() + 1, items.max() + 1)
    test = np.zeros(len(ratings), dtype=bool)
    held = np.random.default_rng(seed).permutation(len(ratings))[: round(fraction * len(ratings))]
    test[held] = True
    train_m, test_m = torch.zeros(shape), torch.zeros(shape)
    for m, rows in ((train_m, ~test), (test_m, test)):
        m[users[rows], items[rows]] = torch.tensor(ratings[rows, 2], dtype=torch.float32)
    # Nothing can predict a user or movie that has no training rating.
    test_m[train_m.sum(1) == 0] = 0
    test_m[:, train_m.sum(0) == 0] = 0
    return train_m, test_m


def model(items, dropout):
    layers, inputs = [], items
    for i, width in enumerate(WIDTHS):
        layers += [nn.Linear(inputs, width), nn.SELU()]
        if i == CODE_LAYER and dropout > 0:
            layers.append(nn.Dropout(dropout))
        inputs = width
    layers.append(nn.Linear(inputs, items))
    return nn.Sequential(*layers)


def masked_mse(output, target):
    """Squared error over the rated entries, averaged over them."""
    mask = target > 0
    return ((output - target) ** 2 * mask).sum() / mask.sum()


def train_epoch(net, optimizer, train_m, rows, batch):
    net.train()
    for start in range(0, len(rows), batch):
        x = train_m[rows[start:start + batch]]
        optimizer.zero_grad()
        masked_mse(net(x), x).backward()
        optimizer.step()
    if x.is_cuda:
        torch.cuda.synchronize()


def test_rmse(net, train_m, test_m):
    net.eval()
    with torch.no_grad():
        pred = net(train_m).clamp(1, 5)
    mask = test_m > 0
    return (((pred - test_m) ** 2)[mask].mean().sqrt().item()), int(mask.sum())


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True, help="the ml-1m folder")
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--test-fraction", type=float, default=0.1)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--lr", type=float, default=0.005)
    p.add_argument("--momentum", type=float, default=0.9)
    p.add_argument("--dropout", type=float, default=0.8)
    p.add_argument("--device", default="cpu", choices=("cpu", "cuda"))
    a = p.parse_args()
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.manual_seed(a.seed)
    torch.set_num_threads(a.threads)
    train_m, test_m = split(read_ratings(a.data), a.test_fraction, a.seed)
    train_m, test_m = train_m.to(a.device), test_m.to(a.device)
    users = torch.nonzero(train_m.sum(1) > 0).squeeze(1)

    net = model(train_m.shape[1], a.dropout).to(a.device)
    optimizer = torch.optim.SGD(net.parameters(), lr=a.lr, momentum=a.momentum)
    seconds = []
    for _ in range(a.epochs):
        rows = users[torch.randperm(len(users), device=a.device)]
        start = time.perf_counter()
        train_epoch(net, optimizer, train_m, rows, a.batch)
        seconds.append(time.perf_counter() - start)
    rmse, count = test_rmse(net, train_m, test_m)
    print(json.dumps({"peer": "pytorch " + torch.__version__, "epochs": a.epochs,
                      "threads": a.threads, "device": a.device, "seed": a.seed, "dropout": a.dropout,
                      "train_users": len(users), "train_ratings": int((train_m > 0).sum()),
                      "epoch_seconds": seconds, "test_rmse": rmse, "test_ratings": count}))


if __name__ == "__main__":
    main()
