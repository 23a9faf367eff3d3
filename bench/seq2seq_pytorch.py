#!/usr/bin/env python3
"""aerec's seq2seq preset in PyTorch: the peer that bench/train-seq.sh times
aerec against, on the same data, split, windows and network.

The split is aerec's `last`: each user's ratings in time order (ties by movie
id), the last the test target, the one before it validation, the rest
training; users with fewer than 3 ratings left out; movies are those any kept
rating names, in id order. A training window is a position after a user's
first training movie: the last --length movies before it (left-padded with
0) are the input, the --steps movies from it the targets (-1 past the end).
The network: nn.Embedding(movies + 1, E, padding_idx=0), nn.LSTM(E, H) whose
last hidden state is repeated --steps times into nn.LSTM(H, H), nn.Linear(H,
movies) at every step, nn.CrossEntropyLoss(ignore_index=-1); Adam(lr 1e-3),
shuffled batches of 128, PyTorch's default initialisation. With
--teacher-forcing each decoder step reads the code beside the embedded movie
before its target (the last input movie, then the true targets), as aerec's
lstm_feed layer does; --dropout drops the decoder's input (aerec's code
layer's output: the code, or the code and the fed movies). Only the training
loop is timed. Then the test figures as aerec computes them: the target among
every movie the user has not rated (training and validation movies excluded,
ties ranked pessimistically) and among 100 sampled unrated movies (the draws
are this script's own). Prints one JSON line.

Usage: /usr/bin/python3 bench/seq2seq_pytorch.py --data ml-100k/u.data
       [--length 20] [--steps 3] [--embedding 64] [--hidden 128] [--epochs 3]
       [--threads 1] [--seed 1] [--batch 128] [--device cpu|cuda]
       [--teacher-forcing 0|1] [--dropout 0]
"""
import argparse
import json
import math
import time

import numpy as np
import torch
import torch.nn as nn


def read_ratings(path):
    rows = []
    with open(path, encoding="latin-1") as f:
        for n, line in enumerate(f):
            line = line.strip()
            if not line or (n == 0 and path.endswith(".csv")):
                continue
            fields = line.split("\t") if "\t" in line else line.split("::") if "::" in line else line.split(",")
            if len(fields) < 4:
                raise SystemExit(f"seq2seq_pytorch.py: {path}:{n + 1}: no timestamp")
            rows.append((int(fields[0]), int(fields[1]), int(fields[3])))
    return rows


def split_last(rows):
    by_user = {}
    for user, movie, time_ in rows:
        by_user.setdefault(user, []).append((time_, movie))
    kept = {u: [m for _, m in sorted(v)] for u, v in sorted(by_user.items()) if len(v) >= 3}
    movies = sorted({m for seq in kept.values() for m in seq})
    column = {m: i for i, m in enumerate(movies)}
    users = [[column[m] for m in seq] for seq in kept.values()]
    return users, len(movies)


class Seq2Seq(nn.Module):
    def __init__(self, movies, embedding, hidden, steps, teacher_forcing, dropout):
        super().__init__()
        self.steps, self.teacher_forcing = steps, teacher_forcing
        self.embed = nn.Embedding(movies + 1, embedding, padding_idx=0)
        self.encoder = nn.LSTM(embedding, hidden, batch_first=True)
        self.decoder = nn.LSTM(hidden + (embedding if teacher_forcing else 0), hidden, batch_first=True)
        self.drop = nn.Dropout(dropout)
        self.out = nn.Linear(hidden, movies)

    def forward(self, ids, fed=None):
        """ids: the movies read; fed (teacher forcing): the movie before each target."""
        _, (h, _) = self.encoder(self.embed(ids))
        if self.teacher_forcing:
            code = h[-1].unsqueeze(1).expand(-1, self.steps, -1)
            y, _ = self.decoder(self.drop(torch.cat([code, self.embed(fed)], 2)))
        else:
            y, _ = self.decoder(self.drop(h[-1]).unsqueeze(1).expand(-1, self.steps, -1))
        return self.out(y)


def fed_movies(inputs, targets):
    """The movie before each target (ids + 1, 0 for none): the last input, then the targets."""
    return torch.cat([inputs[:, -1:], (targets[:, :-1] + 1).clamp(min=0)], 1)


def windows(users, length, steps):
    inputs, targets = [], []
    for seq in users:
        train = seq[:-2]
        for at in range(1, len(train)):
            before = [c + 1 for c in train[max(0, at - length):at]]
            inputs.append([0] * (length - len(before)) + before)
            after = train[at:at + steps]
            targets.append(after + [-1] * (steps - len(after)))
    return torch.tensor(inputs), torch.tensor(targets)


def figures(net, users, movies, length, seed, device):
    """HR@10 and NDCG@10 of each user's last movie, full and against 100 sampled negatives."""
    gen = np.random.default_rng(seed)
    hr = ndcg = hr_s = ndcg_s = 0.0
    with torch.no_grad():
        for start in range(0, len(users), 256):
            chunk = users[start:start + 256]
            ids = torch.tensor([[0] * max(0, length - len(s[:-1])) + [c + 1 for c in s[:-1][-length:]]
                                for s in chunk], device=device)
            fed = torch.cat([ids[:, -1:], torch.zeros(len(ids), net.steps - 1, dtype=ids.dtype, device=device)], 1)
            scores = net(ids, fed)[:, 0, :].cpu().numpy()
            for seq, row in zip(chunk, scores):
                target, rated = seq[-1], set(seq[:-1])
                others = np.array([c for c in range(movies) if c not in rated and c != target])
                rank = 1 + int(np.sum(row[others] >= row[target]))
                if rank <= 10:
                    hr += 1
                    ndcg += 1 / math.log2(rank + 1)
                sample = gen.choice(others, size=min(100, len(others)), replace=False)
                rank = 1 + int(np.sum(row[sample] >= row[target]))
                if rank <= 10:
                    hr_s += 1
                    ndcg_s += 1 / math.log2(rank + 1)
    n = len(users)
    return {"test_hr_at_10": hr / n, "test_ndcg_at_10": ndcg / n,
            "test_hr_at_10_sampled100": hr_s / n, "test_ndcg_at_10_sampled100": ndcg_s / n}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("--length", type=int, default=20)
    p.add_argument("--steps", type=int, default=3)
    p.add_argument("--embedding", type=int, default=64)
    p.add_argument("--hidden", type=int, default=128)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--device", default="cpu")
    p.add_argument("--teacher-forcing", type=int, default=0)
    p.add_argument("--dropout", type=float, default=0)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    users, movies = split_last(read_ratings(a.data))
    inputs, targets = windows(users, a.length, a.steps)
    inputs, targets = inputs.to(a.device), targets.to(a.device)
    net = Seq2Seq(movies, a.embedding, a.hidden, a.steps, a.teacher_forcing, a.dropout).to(a.device)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss(ignore_index=-1)
    seconds, losses = [], []
    for _ in range(a.epochs):
        start = time.perf_counter()
        order = torch.randperm(len(inputs), device=a.device)
        total = 0.0
        for b in range(0, len(order), a.batch):
            idx = order[b:b + a.batch]
            logits = net(inputs[idx], fed_movies(inputs[idx], targets[idx]))
            loss = loss_fn(logits.reshape(-1, movies), targets[idx].reshape(-1))
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        if a.device == "cuda":
            torch.cuda.synchronize()
        seconds.append(time.perf_counter() - start)
        losses.append(total / len(order))
    net.eval()
    out = {"epoch_seconds": seconds, "train_loss": losses, "windows": len(inputs), "users": len(users),
           "movies": movies, "torch": torch.__version__}
    out.update(figures(net, users, movies, a.length, a.seed, a.device))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
