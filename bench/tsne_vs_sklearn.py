#!/usr/bin/python3
"""aerec's t-SNE beside scikit-learn's (Barnes-Hut), on the same codes, the
same perplexity (30), PCA initialisation, "auto" learning rate, 1,000
iterations and the same threads, side by side:

  bench/tsne_vs_sklearn.py --aerec build/native-release [--threads 2] [--repeats 3]
      [--model web/demo/ranking.aerec --data $MOVIELENS_DIR/ml-1m]   # ML-1M movies and users
      [--fashion-mnist]                                              # 70,000 images, PCA to 50

Both maps are scored the same way, here: the exact KL(P || Q) with one P
(scikit-learn's, from each point's 3 x perplexity + 1 nearest neighbours) and
Q normalised over every pair, and trustworthiness@10 as scikit-learn defines
it (computed in blocks, so 70,000 points fit in memory). Times are medians
over the repeats, wall clock, t-SNE alone (neighbours and affinities included).
Run it on an otherwise idle machine. Prints a table; --json FILE keeps it.
"""
import argparse, gzip, json, os, statistics, subprocess, sys, tempfile, time

import numpy as np
from sklearn.manifold import TSNE, _t_sne
from sklearn.neighbors import NearestNeighbors

PERPLEXITY = 30


def ml1m_codes(aerec, model, data, subject, work):
    out = os.path.join(work, f"{subject}.json")
    subprocess.run([os.path.join(aerec, "native", "aerec"), "map", model, "--of", subject, "--data", data,
                    "--iterations", "1", "--with-codes", "--out", out], check=True, stdout=subprocess.DEVNULL)
    points = json.load(open(out))["points"]
    return np.array([p["code"] for p in points], dtype=np.float32)


def fashion_mnist_codes():
    def images(name):
        with gzip.open(f"/usr/share/datasets/fashion-mnist/{name}") as f:
            raw = f.read()
        return np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(-1, 784)
    x = np.vstack([images("train-images-idx3-ubyte.gz"), images("t10k-images-idx3-ubyte.gz")]).astype(np.float32) / 255
    from sklearn.decomposition import PCA
    return PCA(50, random_state=0).fit_transform(x).astype(np.float32)


def run_aerec(aerec, codes, threads, work):
    path, out = os.path.join(work, "codes.f32"), os.path.join(work, "map.f32")
    codes.tofile(path)
    start = time.perf_counter()
    subprocess.run([os.path.join(aerec, "bench", "aerec_bench_tsne"), path, str(codes.shape[1]), out,
                    str(threads), str(PERPLEXITY)], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start, np.fromfile(out, dtype=np.float32).reshape(-1, 2)


def run_sklearn(codes, threads):
    tsne = TSNE(perplexity=PERPLEXITY, init="pca", learning_rate="auto", method="barnes_hut", angle=0.5,
                random_state=0, n_jobs=threads)
    start = time.perf_counter()
    y = tsne.fit_transform(codes)
    return time.perf_counter() - start, y


def joint_p(codes):
    k = min(len(codes) - 1, int(3 * PERPLEXITY + 1))
    nn = NearestNeighbors(n_neighbors=k).fit(codes)
    distances = nn.kneighbors_graph(mode="distance")
    distances.data **= 2
    return _t_sne._joint_probabilities_nn(distances, PERPLEXITY, 0).tocoo()


def exact_kl(p, y, block=2048):
    y = y.astype(np.float64)
    z = 0.0
    for s in range(0, len(y), block):
        d = ((y[s:s + block, None, :] - y[None, :, :]) ** 2).sum(-1)
        w = 1 / (1 + d)
        z += w.sum() - min(block, len(y) - s)  # without each point's own w = 1
    w_p = 1 / (1 + ((y[p.row] - y[p.col]) ** 2).sum(-1))
    return float((p.data * np.log(p.data / w_p)).sum() + p.data.sum() * np.log(z))


def trustworthiness(x, y, k=10):
    n = len(x)
    block = max(8, int(2e8 / (k * n)))  # the comparison below holds block x k x n booleans
    x = x.astype(np.float32)
    xx = (x * x).sum(1)
    penalty = 0.0
    map_nn = NearestNeighbors(n_neighbors=k + 1).fit(y).kneighbors(return_distance=False)[:, :k]
    for s in range(0, n, block):
        rows = np.arange(s, min(n, s + block))
        d = xx[rows, None] + xx[None, :] - 2 * x[rows] @ x.T
        d[np.arange(len(rows)), rows] = -np.inf  # itself: rank 0
        nd = d[np.arange(len(rows))[:, None], map_nn[rows]]
        ranks = (d[:, None, :] < nd[:, :, None]).sum(-1)  # points closer than each map neighbour, itself included
        penalty += np.maximum(ranks - k, 0).sum()
    return 1 - 2 / (n * k * (2 * n - 3 * k - 1)) * penalty


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--aerec", default="build/native-release")
    ap.add_argument("--model", default="web/demo/ranking.aerec")
    ap.add_argument("--data", default=os.path.join(os.environ.get("MOVIELENS_DIR", "../shared/data"), "ml-1m"))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--fashion-mnist", action="store_true", help="also the 70,000 Fashion-MNIST images")
    ap.add_argument("--only-fashion-mnist", action="store_true")
    ap.add_argument("--json")
    a = ap.parse_args()
    os.environ["OMP_NUM_THREADS"] = str(a.threads)
    rows = []
    with tempfile.TemporaryDirectory() as work:
        sets = []
        if not a.only_fashion_mnist:
            for subject in ("movies", "users"):
                sets.append((f"ML-1M {subject}", ml1m_codes(a.aerec, a.model, a.data, subject, work)))
        if a.fashion_mnist or a.only_fashion_mnist:
            sets.append(("Fashion-MNIST (PCA 50)", fashion_mnist_codes()))
        for name, codes in sets:
            p = joint_p(codes)
            result = {"set": name, "points": len(codes), "dims": codes.shape[1]}
            for who, run in (("aerec", lambda: run_aerec(a.aerec, codes, a.threads, work)),
                             ("sklearn", lambda: run_sklearn(codes, a.threads))):
                times, y = [], None
                for _ in range(a.repeats):
                    seconds, y = run()
                    times.append(seconds)
                result[who] = {"seconds": statistics.median(times), "kl": exact_kl(p, y),
                               "trustworthiness_at_10": trustworthiness(codes, y)}
                print(f"  {name}: {who} {result[who]}", file=sys.stderr)
            rows.append(result)
    print(f"{'set':24} {'N':>6} | {'aerec s':>8} {'sklearn s':>9} {'ratio':>6} | {'KL aerec':>8} {'sklearn':>8} "
          f"| {'T@10 aerec':>10} {'sklearn':>8}   ({a.threads} threads, median of {a.repeats})")
    for r in rows:
        ae, sk = r["aerec"], r["sklearn"]
        print(f"{r['set']:24} {r['points']:>6} | {ae['seconds']:8.2f} {sk['seconds']:9.2f} "
              f"{sk['seconds'] / ae['seconds']:5.1f}x | {ae['kl']:8.4f} {sk['kl']:8.4f} "
              f"| {ae['trustworthiness_at_10']:10.4f} {sk['trustworthiness_at_10']:8.4f}")
    if a.json:
        json.dump({"threads": a.threads, "repeats": a.repeats, "rows": rows}, open(a.json, "w"), indent=2)


if __name__ == "__main__":
    main()
