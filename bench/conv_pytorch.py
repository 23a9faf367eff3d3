#!/usr/bin/env python3
"""The image autoencoders of aerec's image presets in PyTorch: the peer that
bench/train-conv.sh times aerec against.

The network is built from the same description aerec's --conv takes
(nn/image_layers.h): c16 = Conv2d 3x3 padding 1 + ReLU, c16v = the same without
padding, p2 = MaxPool2d(2, 2, ceil_mode=True) (Keras's padding="same"),
u2 = nearest Upsample(x2), t16 = ConvTranspose2d 2x2 stride 2 + ReLU, then a
3x3 Conv2d back to one channel and a sigmoid; an empty description with
--hidden N is the dense baseline (Linear 784-N ReLU, Linear N-784 sigmoid).
Glorot-uniform weights and zero biases (aerec's --init xavier, Keras's
default), Adam at lr 1e-3, nn.BCELoss over every pixel, shuffled batches of
128, inputs with Gaussian noise of --noise (clipped to [0, 1]) and clean
targets. Only the training loop is timed. Prints one JSON line: per-epoch
seconds and the test BCE, MSE and PSNR (the test inputs noisy as in training,
from their own generator).

Usage: /usr/bin/python3 bench/conv_pytorch.py --conv c16,p2,... [--hidden 32]
       [--data /usr/share/datasets/fashion-mnist] [--epochs 3] [--threads 1]
       [--seed 1] [--noise 0] [--batch 128] [--images 0] [--device cpu|cuda]
"""
import argparse
import gzip
import json
import os
import time

import numpy as np
import torch
import torch.nn as nn


def read_idx(path):
    opener = gzip.open if open(path, "rb").read(2) == b"\x1f\x8b" else open
    with opener(path, "rb") as f:
        raw = f.read()
    rank = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(rank)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def images(folder, part):
    for suffix in (".gz", ""):
        path = os.path.join(folder, f"{part}-images-idx3-ubyte{suffix}")
        if os.path.exists(path):
            return torch.tensor(read_idx(path), dtype=torch.float32).unsqueeze(1) / 255
    raise SystemExit(f"conv_pytorch.py: no {part}-images-idx3-ubyte[.gz] in {folder}")


def network(description, hidden, channels=1, pixels=784):
    if not description:
        return nn.Sequential(nn.Flatten(), nn.Linear(pixels, hidden), nn.ReLU(),
                             nn.Linear(hidden, pixels), nn.Sigmoid(), nn.Unflatten(1, (1, 28, 28)))
    layers, c = [], channels
    for token in description.split(","):
        kind, n = token[0], int(token[1:].rstrip("v"))
        if kind == "c":
            layers += [nn.Conv2d(c, n, 3, padding=0 if token.endswith("v") else 1), nn.ReLU()]
            c = n
        elif kind == "p":
            layers.append(nn.MaxPool2d(n, n, ceil_mode=True))
        elif kind == "u":
            layers.append(nn.Upsample(scale_factor=n, mode="nearest"))
        elif kind == "t":
            layers += [nn.ConvTranspose2d(c, n, 2, stride=2), nn.ReLU()]
            c = n
    layers += [nn.Conv2d(c, channels, 3, padding=1), nn.Sigmoid()]
    return nn.Sequential(*layers)


def glorot(net):
    for m in net.modules():
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)


def noisy(x, factor, generator):
    if factor == 0:
        return x
    return (x + factor * torch.randn(x.shape, generator=generator, device=x.device)).clamp(0, 1)


def evaluate(net, test, noise, batch, device):
    generator = torch.Generator(device=device).manual_seed(12345)
    bce = mse = psnr = 0.0
    with torch.no_grad():
        for start in range(0, len(test), batch):
            x = test[start:start + batch]
            y = net(noisy(x, noise, generator))
            bce += nn.functional.binary_cross_entropy(y, x, reduction="sum").item()
            per_image = ((y - x) ** 2).flatten(1).mean(1)
            mse += per_image.sum().item()
            psnr += (10 * torch.log10(1 / per_image.clamp_min(1e-10))).sum().item()
    n, pixels = len(test), test[0].numel()
    return {"test_bce": bce / n / pixels, "test_mse": mse / n, "test_psnr": psnr / n}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--conv", default="")
    p.add_argument("--hidden", type=int, default=32)
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--noise", type=float, default=0)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--images", type=int, default=0)
    p.add_argument("--device", default="cpu")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    device = torch.device(a.device)
    train, test = images(a.data, "train"), images(a.data, "t10k")
    if a.images > 0:
        train, test = train[:a.images], test[:a.images]
    train, test = train.to(device), test.to(device)
    net = network(a.conv, a.hidden).to(device)
    glorot(net)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = nn.BCELoss()
    generator = torch.Generator(device=device).manual_seed(a.seed)
    seconds = []
    for _ in range(a.epochs):
        start = time.perf_counter()
        order = torch.randperm(len(train), device=device)
        for s in range(0, len(train), a.batch):
            x = train[order[s:s + a.batch]]
            opt.zero_grad()
            loss = loss_fn(net(noisy(x, a.noise, generator)), x)
            loss.backward()
            opt.step()
        if device.type == "cuda":
            torch.cuda.synchronize()
        seconds.append(time.perf_counter() - start)
    result = {"epoch_seconds": seconds, "mkldnn": torch.backends.mkldnn.is_available(),
              "torch": torch.__version__}
    result.update(evaluate(net, test, a.noise, a.batch, device))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
