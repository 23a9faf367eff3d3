#!/usr/bin/env python3
"""The seed's stacked autoencoder in PyTorch, as its code runs it: the peer
that aerec's `--preset seed` is checked and timed against.

items -> 20 -> 10 -> 20 -> items, sigmoid, MSELoss over the whole row with
unrated outputs set to 0, RMSprop(lr 0.01, weight_decay 0.5), one user per
step, and no optimizer.zero_grad() (the seed's code never calls it).
Prints one JSON line: test figures unclipped (the seed's) and clipped to 1..5.

Usage: /usr/bin/python3 bench/seed_pytorch.py --data DIR [--epochs 200]
       [--seed 0] [--threads 1] [--zero-grad]
"""
import argparse
import json
import time

import numpy as np
import torch
import torch.nn as nn
import torch.optim as optim


def read(path):
    return np.loadtxt(path, dtype=np.int64, delimiter="\t")


def to_matrix(data, users, movies):
    m = torch.zeros(users, movies)
    m[data[:, 0] - 1, data[:, 1] - 1] = torch.tensor(data[:, 2], dtype=torch.float32)
    return m


class SAE(nn.Module):
    def __init__(self, movies):
        super().__init__()
        self.fc1 = nn.Linear(movies, 20)
        self.fc2 = nn.Linear(20, 10)
        self.fc3 = nn.Linear(10, 20)
        self.fc4 = nn.Linear(20, movies)
        self.activation = nn.Sigmoid()

    def forward(self, x):
        x = self.activation(self.fc1(x))
        x = self.activation(self.fc2(x))
        x = self.activation(self.fc3(x))
        return self.fc4(x)


def figures(sae, train, test):
    """Seed loss (each user's RMSE averaged) and global RMSE, raw and clipped."""
    with torch.no_grad():
        out = sae(train)
    mask = test > 0
    users = mask.any(dim=1)
    result = {}
    for name, pred in (("unclipped", out), ("clipped", out.clamp(1, 5))):
        err = torch.where(mask, pred - test, torch.zeros_like(pred)) ** 2
        per_user = (err.sum(1)[users] / mask.sum(1)[users]).sqrt()
        result["seed_loss_" + name] = per_user.mean().item()
        result["rmse_" + name] = (err.sum() / mask.sum()).sqrt().item()
    return result


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("--split", default="u1")
    p.add_argument("--epochs", type=int, default=200)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--zero-grad", action="store_true", help="zero gradients every step")
    a = p.parse_args()
    torch.manual_seed(a.seed)
    torch.set_num_threads(a.threads)
    base, test = read(f"{a.data}/{a.split}.base"), read(f"{a.data}/{a.split}.test")
    users = int(max(base[:, 0].max(), test[:, 0].max()))
    movies = int(max(base[:, 1].max(), test[:, 1].max()))
    train_m, test_m = to_matrix(base, users, movies), to_matrix(test, users, movies)

    sae = SAE(movies)
    criterion = nn.MSELoss()
    optimizer = optim.RMSprop(sae.parameters(), lr=0.01, weight_decay=0.5)
    start = time.perf_counter()
    for epoch in range(a.epochs):
        for u in range(users):
            x = train_m[u].unsqueeze(0)
            target = x.clone()
            if torch.sum(target > 0) > 0:
                if a.zero_grad:
                    optimizer.zero_grad()
                output = sae(x)
                output[target == 0] = 0
                loss = criterion(output, target)
                loss.backward()
                optimizer.step()
    seconds = time.perf_counter() - start
    print(json.dumps({"peer": "pytorch " + torch.__version__, "epochs": a.epochs,
                      "threads": a.threads, "seed": a.seed, "zero_grad": a.zero_grad,
                      "train_seconds": seconds, **figures(sae, train_m, test_m)}))


if __name__ == "__main__":
    main()
